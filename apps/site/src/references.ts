/** Bibliography shared by every chapter; chapters cite by key and list what they cite. */
export interface Reference {
  key: string;
  /** Short form used in the running text. */
  short: string;
  authors: string;
  title: string;
  venue: string;
  year: number;
  arxiv: string;
}

export const references: Readonly<Record<string, Reference>> = {
  biroli2024: {
    key: 'biroli2024',
    short: 'Biroli et al., 2024',
    authors: 'G. Biroli, T. Bonnaire, V. de Bortoli, M. Mézard',
    title: 'Dynamical regimes of diffusion models',
    venue: 'Nature Communications',
    year: 2024,
    arxiv: '2402.18491',
  },
  bonnaire2025: {
    key: 'bonnaire2025',
    short: 'Bonnaire et al., 2025',
    authors: 'T. Bonnaire, R. Urfin, G. Biroli, M. Mézard',
    title: 'Why diffusion models don’t memorize: the role of implicit dynamical regularization in training',
    venue: 'NeurIPS',
    year: 2025,
    arxiv: '2505.17638',
  },
  debortoli2022: {
    key: 'debortoli2022',
    short: 'De Bortoli, 2022',
    authors: 'V. De Bortoli',
    title: 'Convergence of denoising diffusion models under the manifold hypothesis',
    venue: 'Transactions on Machine Learning Research',
    year: 2022,
    arxiv: '2208.05314',
  },
};

export function referenceOf(key: string): Reference {
  const ref = references[key];
  if (ref === undefined) throw new Error(`unknown reference key “${key}”`);
  return ref;
}

export function arxivUrl(ref: Reference): string {
  return `https://arxiv.org/abs/${ref.arxiv}`;
}
