/**
 * Cities the simulated tenant lives in and travels to. Coordinates are the real ones (to about
 * 0.01 degree), so geo-velocity rules see real distances. Time-zone offsets are standard time:
 * the generator ignores daylight saving, which only shifts working hours by an hour.
 */
export interface City {
  readonly name: string;
  readonly region: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
  /** English short name, which real events sometimes carry instead of the code. */
  readonly countryName: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly utcOffsetMinutes: number;
}

// prettier-ignore
export const CITIES: readonly City[] = [
  { name: 'Toronto', region: 'Ontario', country: 'CA', countryName: 'Canada', latitude: 43.65, longitude: -79.38, utcOffsetMinutes: -300 },
  { name: 'Montreal', region: 'Quebec', country: 'CA', countryName: 'Canada', latitude: 45.5, longitude: -73.57, utcOffsetMinutes: -300 },
  { name: 'Vancouver', region: 'British Columbia', country: 'CA', countryName: 'Canada', latitude: 49.28, longitude: -123.12, utcOffsetMinutes: -480 },
  { name: 'New York', region: 'New York', country: 'US', countryName: 'United States', latitude: 40.71, longitude: -74.01, utcOffsetMinutes: -300 },
  { name: 'San Francisco', region: 'California', country: 'US', countryName: 'United States', latitude: 37.77, longitude: -122.42, utcOffsetMinutes: -480 },
  { name: 'Chicago', region: 'Illinois', country: 'US', countryName: 'United States', latitude: 41.88, longitude: -87.63, utcOffsetMinutes: -360 },
  { name: 'Austin', region: 'Texas', country: 'US', countryName: 'United States', latitude: 30.27, longitude: -97.74, utcOffsetMinutes: -360 },
  { name: 'Seattle', region: 'Washington', country: 'US', countryName: 'United States', latitude: 47.61, longitude: -122.33, utcOffsetMinutes: -480 },
  { name: 'Boston', region: 'Massachusetts', country: 'US', countryName: 'United States', latitude: 42.36, longitude: -71.06, utcOffsetMinutes: -300 },
  { name: 'Mexico City', region: 'Ciudad de Mexico', country: 'MX', countryName: 'Mexico', latitude: 19.43, longitude: -99.13, utcOffsetMinutes: -360 },
  { name: 'Sao Paulo', region: 'Sao Paulo', country: 'BR', countryName: 'Brazil', latitude: -23.55, longitude: -46.63, utcOffsetMinutes: -180 },
  { name: 'Rio de Janeiro', region: 'Rio de Janeiro', country: 'BR', countryName: 'Brazil', latitude: -22.91, longitude: -43.17, utcOffsetMinutes: -180 },
  { name: 'Buenos Aires', region: 'Buenos Aires', country: 'AR', countryName: 'Argentina', latitude: -34.6, longitude: -58.38, utcOffsetMinutes: -180 },
  { name: 'Bogota', region: 'Bogota D.C.', country: 'CO', countryName: 'Colombia', latitude: 4.71, longitude: -74.07, utcOffsetMinutes: -300 },
  { name: 'London', region: 'England', country: 'GB', countryName: 'United Kingdom', latitude: 51.51, longitude: -0.13, utcOffsetMinutes: 0 },
  { name: 'Edinburgh', region: 'Scotland', country: 'GB', countryName: 'United Kingdom', latitude: 55.95, longitude: -3.19, utcOffsetMinutes: 0 },
  { name: 'Dublin', region: 'Leinster', country: 'IE', countryName: 'Ireland', latitude: 53.35, longitude: -6.26, utcOffsetMinutes: 0 },
  { name: 'Paris', region: 'Ile-de-France', country: 'FR', countryName: 'France', latitude: 48.86, longitude: 2.35, utcOffsetMinutes: 60 },
  { name: 'Berlin', region: 'Berlin', country: 'DE', countryName: 'Germany', latitude: 52.52, longitude: 13.4, utcOffsetMinutes: 60 },
  { name: 'Munich', region: 'Bavaria', country: 'DE', countryName: 'Germany', latitude: 48.14, longitude: 11.58, utcOffsetMinutes: 60 },
  { name: 'Amsterdam', region: 'North Holland', country: 'NL', countryName: 'Netherlands', latitude: 52.37, longitude: 4.9, utcOffsetMinutes: 60 },
  { name: 'Madrid', region: 'Madrid', country: 'ES', countryName: 'Spain', latitude: 40.42, longitude: -3.7, utcOffsetMinutes: 60 },
  { name: 'Lisbon', region: 'Lisbon', country: 'PT', countryName: 'Portugal', latitude: 38.72, longitude: -9.14, utcOffsetMinutes: 0 },
  { name: 'Milan', region: 'Lombardy', country: 'IT', countryName: 'Italy', latitude: 45.46, longitude: 9.19, utcOffsetMinutes: 60 },
  { name: 'Zurich', region: 'Zurich', country: 'CH', countryName: 'Switzerland', latitude: 47.38, longitude: 8.54, utcOffsetMinutes: 60 },
  { name: 'Stockholm', region: 'Stockholm', country: 'SE', countryName: 'Sweden', latitude: 59.33, longitude: 18.07, utcOffsetMinutes: 60 },
  { name: 'Warsaw', region: 'Masovia', country: 'PL', countryName: 'Poland', latitude: 52.23, longitude: 21.01, utcOffsetMinutes: 60 },
  { name: 'Kyiv', region: 'Kyiv City', country: 'UA', countryName: 'Ukraine', latitude: 50.45, longitude: 30.52, utcOffsetMinutes: 120 },
  { name: 'Moscow', region: 'Moscow', country: 'RU', countryName: 'Russia', latitude: 55.76, longitude: 37.62, utcOffsetMinutes: 180 },
  { name: 'Istanbul', region: 'Istanbul', country: 'TR', countryName: 'Turkey', latitude: 41.01, longitude: 28.98, utcOffsetMinutes: 180 },
  { name: 'Lagos', region: 'Lagos', country: 'NG', countryName: 'Nigeria', latitude: 6.52, longitude: 3.38, utcOffsetMinutes: 60 },
  { name: 'Nairobi', region: 'Nairobi', country: 'KE', countryName: 'Kenya', latitude: -1.29, longitude: 36.82, utcOffsetMinutes: 180 },
  { name: 'Cape Town', region: 'Western Cape', country: 'ZA', countryName: 'South Africa', latitude: -33.92, longitude: 18.42, utcOffsetMinutes: 120 },
  { name: 'Dubai', region: 'Dubai', country: 'AE', countryName: 'United Arab Emirates', latitude: 25.2, longitude: 55.27, utcOffsetMinutes: 240 },
  { name: 'Bengaluru', region: 'Karnataka', country: 'IN', countryName: 'India', latitude: 12.97, longitude: 77.59, utcOffsetMinutes: 330 },
  { name: 'Mumbai', region: 'Maharashtra', country: 'IN', countryName: 'India', latitude: 19.08, longitude: 72.88, utcOffsetMinutes: 330 },
  { name: 'Singapore', region: 'Singapore', country: 'SG', countryName: 'Singapore', latitude: 1.35, longitude: 103.82, utcOffsetMinutes: 480 },
  { name: 'Hong Kong', region: 'Hong Kong', country: 'HK', countryName: 'Hong Kong', latitude: 22.32, longitude: 114.17, utcOffsetMinutes: 480 },
  { name: 'Beijing', region: 'Beijing', country: 'CN', countryName: 'China', latitude: 39.9, longitude: 116.41, utcOffsetMinutes: 480 },
  { name: 'Seoul', region: 'Seoul', country: 'KR', countryName: 'South Korea', latitude: 37.57, longitude: 126.98, utcOffsetMinutes: 540 },
  { name: 'Tokyo', region: 'Tokyo', country: 'JP', countryName: 'Japan', latitude: 35.68, longitude: 139.69, utcOffsetMinutes: 540 },
  { name: 'Sydney', region: 'New South Wales', country: 'AU', countryName: 'Australia', latitude: -33.87, longitude: 151.21, utcOffsetMinutes: 600 },
  { name: 'Melbourne', region: 'Victoria', country: 'AU', countryName: 'Australia', latitude: -37.81, longitude: 144.96, utcOffsetMinutes: 600 },
  { name: 'Perth', region: 'Western Australia', country: 'AU', countryName: 'Australia', latitude: -31.95, longitude: 115.86, utcOffsetMinutes: 480 },
  { name: 'Auckland', region: 'Auckland', country: 'NZ', countryName: 'New Zealand', latitude: -36.85, longitude: 174.76, utcOffsetMinutes: 720 },
];

/** Where the tenant's staff live: weights favour North America and Western Europe. */
// prettier-ignore
export const HOME_CITY_WEIGHTS: ReadonlyMap<string, number> = new Map([
  ['Toronto', 10], ['Montreal', 4], ['Vancouver', 5], ['New York', 10], ['San Francisco', 9],
  ['Chicago', 4], ['Austin', 4], ['Seattle', 4], ['Boston', 3], ['Mexico City', 1],
  ['Sao Paulo', 2], ['Buenos Aires', 1], ['London', 8], ['Edinburgh', 1], ['Dublin', 2],
  ['Paris', 3], ['Berlin', 4], ['Munich', 2], ['Amsterdam', 3], ['Madrid', 2], ['Lisbon', 1],
  ['Stockholm', 1], ['Warsaw', 2], ['Bengaluru', 3], ['Singapore', 2], ['Tokyo', 1],
  ['Sydney', 3], ['Melbourne', 2], ['Auckland', 1],
]);

/** Countries attackers come from in the injected scenarios (never anyone's home or trip). */
// prettier-ignore
export const ATTACKER_CITY_NAMES: readonly string[] = [
  'Moscow', 'Lagos', 'Beijing', 'Kyiv', 'Istanbul', 'Hong Kong', 'Bogota', 'Nairobi',
];

/** Great-circle distance in kilometres (haversine, mean Earth radius). */
export function distanceKm(a: City, b: City): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function cityByName(name: string): City {
  const city = CITIES.find((c) => c.name === name);
  if (!city) throw new RangeError(`unknown city ${name}`);
  return city;
}
