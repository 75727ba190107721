import { distanceMeters } from './geo';

describe('great-circle distance', () => {
  it('measures Astana to Almaty as about 970 km', () => {
    const d = distanceMeters({ lat: 51.1694, lon: 71.4491 }, { lat: 43.2389, lon: 76.8897 });
    expect(d).toBeGreaterThan(965_000);
    expect(d).toBeLessThan(975_000);
  });

  it('is zero for one point and symmetric', () => {
    const a = { lat: 51.128, lon: 71.43 };
    const b = { lat: 51.13, lon: 71.44 };
    expect(distanceMeters(a, a)).toBe(0);
    expect(distanceMeters(a, b)).toBe(distanceMeters(b, a));
    expect(distanceMeters(a, b)).toBeGreaterThan(700);
    expect(distanceMeters(a, b)).toBeLessThan(750);
  });
});
