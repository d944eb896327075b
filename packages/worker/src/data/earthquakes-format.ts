/**
 * The earthquake locations of the `sphere` experiment, in one compact form shared by Node (read
 * from the vega-datasets package), the site's static file (apps/site/scripts/static-data.ts)
 * and the browser: numbers pass through JSON unchanged, so both paths give the same doubles.
 */

/** Latitude and longitude in degrees, in the order the data package ships them. */
export interface EarthquakeSet {
  lat: Float64Array;
  lon: Float64Array;
  count: number;
}

/** The JSON the site serves at /data/earthquakes.json. */
export interface CompactEarthquakes {
  source: string;
  count: number;
  lat: number[];
  lon: number[];
}

export const EARTHQUAKES_SOURCE =
  'vega-datasets data/earthquakes.json: USGS all-earthquakes feed, one week (31 Jan – 7 Feb 2018); events of type “earthquake” only';

/**
 * Points of the USGS GeoJSON feature collection whose type is “earthquake”: the feed also lists a
 * few explosions and quarry blasts, which are not seismic sources. Coordinates are [lon, lat, depth].
 */
export function compactFromGeoJson(parsed: unknown): CompactEarthquakes {
  const features = (parsed as { features?: unknown }).features;
  if (!Array.isArray(features)) throw new Error('earthquakes.json is not a GeoJSON feature collection');
  const lat: number[] = [];
  const lon: number[] = [];
  for (const feature of features as unknown[]) {
    const f = feature as { properties?: { type?: unknown }; geometry?: { type?: unknown; coordinates?: unknown } };
    if (f.properties?.type !== 'earthquake' || f.geometry?.type !== 'Point') continue;
    const c = f.geometry.coordinates;
    if (!Array.isArray(c) || typeof c[0] !== 'number' || typeof c[1] !== 'number') continue;
    lon.push(c[0]);
    lat.push(c[1]);
  }
  return { source: EARTHQUAKES_SOURCE, count: lat.length, lat, lon };
}

/** Checks the compact form and returns new typed arrays (results are transferred; callers may keep them). */
export function decodeEarthquakes(parsed: unknown): EarthquakeSet {
  const p = parsed as Partial<CompactEarthquakes> | null;
  const lat = p?.lat;
  const lon = p?.lon;
  if (!Array.isArray(lat) || !Array.isArray(lon) || lat.length !== lon.length || p?.count !== lat.length) {
    throw new Error('earthquake data must be { count, lat: number[], lon: number[] } of equal lengths');
  }
  for (let i = 0; i < lat.length; i++) {
    if (!(Math.abs(lat[i]) <= 90) || !(Math.abs(lon[i]) <= 180)) throw new Error(`earthquake ${i} has no valid latitude/longitude`);
  }
  return { lat: Float64Array.from(lat), lon: Float64Array.from(lon), count: lat.length };
}
