/**
 * Latitude and longitude in degrees (the GeoJSON and Observable Plot convention) ↔ unit vectors in
 * R³ with z through the north pole and x through (0°, 0°). Float64 throughout.
 */
const RAD = Math.PI / 180;

/** count × 3 unit vectors, row-major. */
export function latLonToUnit(lat: ArrayLike<number>, lon: ArrayLike<number>, count: number): Float64Array {
  const out = new Float64Array(3 * count);
  for (let i = 0; i < count; i++) {
    const phi = lat[i] * RAD;
    const lambda = lon[i] * RAD;
    const c = Math.cos(phi);
    out[3 * i] = c * Math.cos(lambda);
    out[3 * i + 1] = c * Math.sin(lambda);
    out[3 * i + 2] = Math.sin(phi);
  }
  return out;
}

/** Latitude and longitude of count rows of x (normalized on the way, so any nonzero row works). */
export function unitToLatLon(x: ArrayLike<number>, count: number): { lat: Float64Array; lon: Float64Array } {
  const lat = new Float64Array(count);
  const lon = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const a = x[3 * i];
    const b = x[3 * i + 1];
    const c = x[3 * i + 2];
    lat[i] = Math.atan2(c, Math.hypot(a, b)) / RAD;
    lon[i] = Math.atan2(b, a) / RAD;
  }
  return { lat, lon };
}
