// Okabe–Ito colours: distinguishable under the common colour-vision deficiencies, and mid-tone enough to
// read on both the light and the dark theme. Figure specs name colours from here, never by hex.
export const PALETTE = {
  blue: '#0072B2',
  vermillion: '#D55E00',
  green: '#009E73',
  orange: '#E69F00',
  purple: '#CC79A7',
  sky: '#56B4E9',
} as const;
