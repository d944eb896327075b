/** The atlas's table of contents: one entry per chapter, live or still to come. */
export interface ChapterInfo {
  number: number;
  slug: string;
  title: string;
  /** One paragraph; a symbol written `t_S` or `τ_gen` renders with its subscript. */
  teaser: string;
  status: 'live' | 'coming';
}

export const chapters: readonly ChapterInfo[] = [
  {
    number: 1,
    slug: 'noise-and-back',
    title: 'Noise and back',
    status: 'live',
    teaser:
      'An Ornstein–Uhlenbeck process dissolves any data set into Gaussian noise; running it backwards needs only the score, the gradient of the log-density of the noised data. Give the backward process the exact score of a finite training set and it does the only thing that set asks for: every trajectory lands on a training point. Watch it happen in two dimensions, and learn the test that tells a copy from a new sample.',
  },
  {
    number: 2,
    slug: 'speciation-and-collapse',
    title: 'Speciation and collapse',
    status: 'live',
    teaser:
      'Seen from the noise end, a backward trajectory crosses three regimes. Above the speciation time t_S = ½ log Λ it is pure noise; below it, it has committed to a class; below the collapse time t_C it is caught by a single training point. t_C follows from an entropy balance, and keeping it near zero needs a training set that grows exponentially with the dimension.',
  },
  {
    number: 3,
    slug: 'training-time',
    title: 'The blessing: training time',
    status: 'live',
    teaser:
      'If the minimizer of the training loss memorizes, why do trained networks generate new images? Because training is slow in the right way: samples become good after a time τ_gen that does not depend on the training-set size n, while memorization sets in only after τ_mem ∝ n. A random-features model traces both timescales to two separate parts of a spectrum.',
  },
  {
    number: 4,
    slug: 'low-dimensional-structure',
    title: 'Low-dimensional structure',
    status: 'live',
    teaser:
      'When data lie near a union of low-dimensional subspaces, the optimal denoiser is a soft projection onto them and training amounts to subspace clustering. The number of samples needed then grows linearly with the intrinsic dimension, not exponentially with the ambient one, with a sharp transition where the samples per subspace match its dimension.',
  },
  {
    number: 5,
    slug: 'manifolds-and-finite-time',
    title: 'Manifolds and finite time',
    status: 'live',
    teaser:
      'Data on a manifold have no density, so the backward process must stop at a small time ε, at a cost of about √(2εd). The same construction runs on curved spaces such as the sphere, and Schrödinger bridges correct the bias of a horizon too short for the noise to forget the data.',
  },
];

export function chapterBySlug(slug: string): ChapterInfo | undefined {
  return chapters.find((c) => c.slug === slug);
}

export function chapterHref(chapter: ChapterInfo): string {
  return `/chapters/${chapter.slug}/`;
}
