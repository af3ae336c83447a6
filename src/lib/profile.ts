import { PROFILES, type Profile } from '../../experiments/runtime/experiment';

/** The profiles a site can show: the experiments' profiles (one list, kept in the runtime). */
export const SITE_PROFILES = PROFILES;
export type SiteProfile = Profile;

/** The profile whose artifacts the site shows: READOFF_PROFILE, default full. */
export function currentProfile(env: Record<string, string | undefined> = process.env): SiteProfile {
  const p = env.READOFF_PROFILE || 'full';
  if (!(SITE_PROFILES as readonly string[]).includes(p)) {
    throw new Error(`READOFF_PROFILE: got "${p}"; allowed values: ${SITE_PROFILES.join(', ')}`);
  }
  return p as SiteProfile;
}
