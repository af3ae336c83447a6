/** The profile whose artifacts the site shows: READOFF_PROFILE, default full. */
export const SITE_PROFILES = ['quick', 'full'] as const;
export type SiteProfile = (typeof SITE_PROFILES)[number];

export function currentProfile(env: Record<string, string | undefined> = process.env): SiteProfile {
  const p = env.READOFF_PROFILE || 'full';
  if (!(SITE_PROFILES as readonly string[]).includes(p)) {
    throw new Error(`READOFF_PROFILE: got "${p}"; allowed values: ${SITE_PROFILES.join(', ')}`);
  }
  return p as SiteProfile;
}
