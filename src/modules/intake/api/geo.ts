/** Kazakhstan's bounding box, with a small margin: coordinates outside it are refused. */
export const KZ_BOUNDS = { minLat: 40.5, maxLat: 55.5, minLon: 46.4, maxLon: 87.4 } as const;
