/** The solid red under the quarantine hatch. */
const quarantineRed = '#c9252d';

/**
 * An SVG `<defs>` with the quarantine fill: red with white diagonal stripes, so telling a quarantined month
 * from an OK one never depends on telling red from green. Ids are document-wide in HTML, so each SVG that
 * needs the fill passes its own `id`.
 */
export function hatchPattern(id: string): string {
  return (
    `<defs><pattern id="${id}" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
    `<rect width="4" height="4" fill="${quarantineRed}"/><rect width="1.3" height="4" fill="#ffffff"/>` +
    '</pattern></defs>'
  );
}
