/**
 * Whether a claim holds against its artifact, for the places that report on claims rather than make them
 * (the provenance card, the claims ledger). `<Claim>` itself fails the build when a checked claim does not hold.
 */
import type { Artifact } from '../../experiments/runtime/artifacts';
import { getNumber } from './artifactStore';
import { evaluateClaim } from './claims';
import { currentProfile } from './profile';

export interface ClaimStatus {
  /** False when the claim is limited to other profiles than the site's. */
  checked: boolean;
  holds: boolean;
  values: Record<string, number>;
  profile: string;
}

export function claimStatus(artifact: Artifact, holds: string, profiles?: string[]): ClaimStatus {
  const profile = currentProfile();
  const checked = !profiles || profiles.includes(profile);
  try {
    const outcome = evaluateClaim(holds, (p) => getNumber(artifact, p), { requireFinite: checked });
    return { checked, holds: outcome.holds, values: outcome.values, profile };
  } catch {
    return { checked, holds: false, values: {}, profile };
  }
}

export function describeValues(values: Record<string, number>): string {
  return Object.entries(values).map(([k, v]) => `${k} = ${Number(v.toPrecision(6))}`).join(', ');
}
