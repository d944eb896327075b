import serifLatin from '@fontsource-variable/source-serif-4/files/source-serif-4-latin-wght-normal.woff2?url';
import serifLatinItalic from '@fontsource-variable/source-serif-4/files/source-serif-4-latin-wght-italic.woff2?url';
import serifGreek from '@fontsource-variable/source-serif-4/files/source-serif-4-greek-wght-normal.woff2?url';
import serifGreekItalic from '@fontsource-variable/source-serif-4/files/source-serif-4-greek-wght-italic.woff2?url';
import sansLatin from '@fontsource-variable/source-sans-3/files/source-sans-3-latin-wght-normal.woff2?url';
import sansLatinItalic from '@fontsource-variable/source-sans-3/files/source-sans-3-latin-wght-italic.woff2?url';
import sansGreek from '@fontsource-variable/source-sans-3/files/source-sans-3-greek-wght-normal.woff2?url';
import sansGreekItalic from '@fontsource-variable/source-sans-3/files/source-sans-3-greek-wght-italic.woff2?url';

/**
 * The site's text faces, served from its own origin so that every machine shows the same page:
 * Source Serif 4 for prose, Source Sans 3 for headings, controls and figures. Only the Latin and
 * Greek files ship (the prose and the figures write ε, τ, Λ, ψ outside KaTeX); a browser fetches a
 * Greek file only for a page that uses it. The variable files cover every weight.
 * The font-face rules are written here rather than imported from the packages' CSS, which would
 * add every other script's files to the build.
 */
const LATIN = 'U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD';
const GREEK = 'U+0370-0377,U+037A-037F,U+0384-038A,U+038C,U+038E-03A1,U+03A3-03FF';

interface Face {
  family: string;
  style: 'normal' | 'italic';
  url: string;
  range: string;
}

// Font family names: CSS identifiers, the same in every language.
const SERIF = 'Source Serif 4 Variable';
const SANS = 'Source Sans 3 Variable';

const faces: readonly Face[] = [
  { family: SERIF, style: 'normal', url: serifLatin, range: LATIN },
  { family: SERIF, style: 'italic', url: serifLatinItalic, range: LATIN },
  { family: SERIF, style: 'normal', url: serifGreek, range: GREEK },
  { family: SERIF, style: 'italic', url: serifGreekItalic, range: GREEK },
  { family: SANS, style: 'normal', url: sansLatin, range: LATIN },
  { family: SANS, style: 'italic', url: sansLatinItalic, range: LATIN },
  { family: SANS, style: 'normal', url: sansGreek, range: GREEK },
  { family: SANS, style: 'italic', url: sansGreekItalic, range: GREEK },
];

/** The rules, as one <style> element for the page's head. */
export const fontFaceCss = `<style>${faces
  .map(
    (f) =>
      `@font-face{font-family:'${f.family}';font-style:${f.style};font-display:swap;font-weight:200 900;src:url(${f.url}) format('woff2-variations'),url(${f.url}) format('woff2');unicode-range:${f.range}}`,
  )
  .join('\n')}</style>`;

/** The two files every page's first screen needs: fetched before the CSS asks for them. */
export const preloadFonts: readonly string[] = [serifLatin, sansLatin];
