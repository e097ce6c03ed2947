/** Every resource is named and tagged per province, so several provinces can share an account. */
export const resourceName = (provinceId: string, name: string): string => `motcua-${provinceId}-${name}`;
export const stackName = (provinceId: string, part: string): string =>
  `Motcua-${provinceId
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('')}-${part}`;
