// Vessel icons drawn at run time on a canvas (no sprite file to fetch).
import { CATEGORIES } from './format.js';

const SIZE = 32; // logical pixels; drawn at pixelRatio 2 for sharp edges

function canvas() {
  const c = document.createElement('canvas');
  c.width = c.height = SIZE * 2;
  const ctx = c.getContext('2d');
  ctx.scale(2, 2);
  return [c, ctx];
}

/** A pointed hull pointing north (rotated on the map by heading). */
function arrow(color, small) {
  const [c, ctx] = canvas();
  const s = small ? 0.78 : 1;
  ctx.translate(SIZE / 2, SIZE / 2);
  ctx.scale(s, s);
  ctx.beginPath();
  ctx.moveTo(0, -13);
  ctx.lineTo(7, 9);
  ctx.lineTo(0, 5);
  ctx.lineTo(-7, 9);
  ctx.closePath();
  ctx.fillStyle = color;
  ctx.strokeStyle = '#04101c';
  ctx.lineWidth = 2;
  ctx.lineJoin = 'round';
  ctx.stroke();
  ctx.fill();
  return ctx.getImageData(0, 0, c.width, c.height);
}

/** A circle for a vessel with no heading (or not moving). */
function dot(color, small) {
  const [c, ctx] = canvas();
  ctx.beginPath();
  ctx.arc(SIZE / 2, SIZE / 2, small ? 4.5 : 5.5, 0, Math.PI * 2);
  ctx.fillStyle = color;
  ctx.strokeStyle = '#04101c';
  ctx.lineWidth = 2;
  ctx.stroke();
  ctx.fill();
  return ctx.getImageData(0, 0, c.width, c.height);
}

/** A ring drawn around the selected vessel. */
function ring() {
  const [c, ctx] = canvas();
  ctx.beginPath();
  ctx.arc(SIZE / 2, SIZE / 2, 14, 0, Math.PI * 2);
  ctx.strokeStyle = '#ffffff';
  ctx.lineWidth = 2;
  ctx.setLineDash([4, 3]);
  ctx.stroke();
  return ctx.getImageData(0, 0, c.width, c.height);
}

/** Image name for a vessel: `v-<category>-<arrow|dot>-<a|b>`. */
export function iconName(cat, hasHeading, isClassB) {
  return `v-${cat}-${hasHeading ? 'arrow' : 'dot'}-${isClassB ? 'b' : 'a'}`;
}

/** Registers every vessel icon with the map. */
export function addIcons(map) {
  for (const { id, color } of CATEGORIES) {
    for (const b of [false, true]) {
      map.addImage(iconName(id, true, b), arrow(color, b), { pixelRatio: 2 });
      map.addImage(iconName(id, false, b), dot(color, b), { pixelRatio: 2 });
    }
  }
  map.addImage('selected-ring', ring(), { pixelRatio: 2 });
}
