/**
 * What `<Value>` and `<Claim>` compute, apart from rendering, so that every error names the page, the
 * component and its experiment, and can be tested without a build.
 */
import type { Artifact } from '../../experiments/runtime/artifacts';
import { getNumber, loadArtifact } from './artifactStore';
import { evaluateClaim } from './claims';
import { formatNumber } from './format';
import { checkNumericPath } from './manifest';
import { SITE_PROFILES, type SiteProfile } from './profile';

/** `<Value experiment="x" path="a.b"> on /page/`: how an error names the component it comes from. */
export function describeComponent(name: string, props: Record<string, unknown>, page: string): string {
  const attrs = Object.entries(props)
    .filter(([, v]) => typeof v === 'string' || typeof v === 'number')
    .map(([k, v]) => `${k}="${v}"`)
    .join(' ');
  return `<${name}${attrs ? ` ${attrs}` : ''}> on ${page}`;
}

function withContext<T>(where: string, f: () => T): T {
  try {
    return f();
  } catch (err: any) {
    const message = String(err?.message ?? err);
    throw new Error(message.startsWith('<') ? message : `${where}: ${message}`);
  }
}

function requireExperiment(where: string, experiment: unknown): asserts experiment is string {
  if (typeof experiment !== 'string' || !experiment) throw new Error(`${where}: needs experiment="<experiment id>"`);
}

export interface ValueProps {
  experiment: string;
  path: string;
  format?: string;
  scale?: number;
}

/** The number a `<Value>` prints, formatted, and its artifact. */
export function valueText(props: ValueProps, page: string): { value: number; text: string; artifact: Artifact } {
  const where = describeComponent('Value', props as unknown as Record<string, unknown>, page);
  requireExperiment(where, props.experiment);
  if (typeof props.path !== 'string' || !props.path) {
    throw new Error(`${where}: needs path="…", the dotted path of a number in the artifact's results (or config.… for its config), for example path="and.all.rms"`);
  }
  return withContext(where, () => {
    // Against the result schema first: a wrong path is named with the nearest valid ones.
    checkNumericPath(page, `<Value experiment="${props.experiment}">`, props.experiment, props.path);
    const artifact = loadArtifact(props.experiment);
    const value = getNumber(artifact, props.path) * (props.scale ?? 1);
    return { value, text: formatNumber(value, props.format), artifact };
  });
}

export interface ClaimProps {
  experiment: string;
  holds: string;
  profiles?: string[];
}

/**
 * Check a `<Claim>` in `profile`. `slotError` is an error thrown while rendering the claim's own text (a
 * `<Value>` inside it): reported together with the claim's verdict, never instead of it.
 */
export function checkClaim(props: ClaimProps, page: string, profile: SiteProfile, slotError?: unknown): { checked: boolean; title: string } {
  const where = describeComponent('Claim', props as unknown as Record<string, unknown>, page);
  requireExperiment(where, props.experiment);
  if (typeof props.holds !== 'string' || !props.holds.trim()) throw new Error(`${where}: needs holds="…", a condition such as holds="a.rms < b.rms"`);
  const profiles = props.profiles ?? ['quick', 'full'];
  for (const p of profiles) {
    if (!(SITE_PROFILES as readonly string[]).includes(p)) throw new Error(`${where}: profiles has "${p}"; allowed values: ${SITE_PROFILES.join(', ')}`);
  }
  const inside = slotError ? `\n  Its text failed too: ${String((slotError as any)?.message ?? slotError)}` : '';
  const checked = profiles.includes(profile);
  let verdict: { checked: boolean; title: string };
  try {
    verdict = withContext(where, () => {
      const artifact = loadArtifact(props.experiment);
      const checkPath = (p: string) => checkNumericPath(page, `<Claim holds="${props.holds}">`, props.experiment, p);
      if (!checked) {
        // Still parse the condition and check its paths against the result schema, so a typo surfaces in every
        // profile; not against this profile's data, which may lack what the claim's own profile has (a third replicate).
        evaluateClaim(props.holds, (p) => (checkPath(p), 1), { requireFinite: false });
        return { checked, title: `not checked in the ${profile} profile: ${props.holds}` };
      }
      const outcome = evaluateClaim(props.holds, (p) => (checkPath(p), getNumber(artifact, p)));
      const values = Object.entries(outcome.values).map(([k, v]) => `${k} = ${v}`).join(', ');
      if (!outcome.holds) {
        throw new Error(`Claim failed on ${page}: "${props.holds}" does not hold for experiment "${props.experiment}" (${profile} profile): ${values}. Fix the code or change the text; do not weaken the check.`);
      }
      return { checked, title: `checked at build time: ${props.holds} (${values})` };
    });
  } catch (err: any) {
    throw new Error(`${err.message}${inside}`);
  }
  if (slotError) throw new Error(`${where}: the claim holds, but its text failed: ${String((slotError as any)?.message ?? slotError)}`);
  return verdict;
}
