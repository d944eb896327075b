import type { ViewFactory } from './view.ts';

/** Site-side facts about an experiment's widget; the experiment itself lives in core. */
export interface WidgetEntry {
  /** Parameters that get a control by default, in display order (the rest stay URL-only). */
  controls: readonly string[];
  /** What to look at, for pages that show the widget without its chapter (embeds). */
  caption: string;
  /** Loaded on demand so a page only ships the views it shows. */
  loadView(): Promise<ViewFactory>;
  /**
   * Whether the build draws a poster of the default figure (src/posters.ts); default true. Turn it
   * off only for a view that cannot draw without a browser: until it has run, such a figure has
   * nothing to show without JavaScript or on paper (tests/site/embed.test.ts flags it).
   */
  poster?: boolean;
}

export const widgets: Readonly<Record<string, WidgetEntry>> = {
  'noise-and-back': {
    controls: ['dataset', 'score', 'sampler', 'n', 'm', 'steps', 'seed'],
    caption:
      'Trajectories of the backward process in two dimensions, from pure noise at t = T to t_min. Grey points are the n training points. With the empirical score the trajectories end on training points (orange: the memorization test passes); with the exact score of the data law they spread over the whole shape.',
    loadView: async () => (await import('./noise-and-back.ts')).noiseAndBackView,
  },
  'training-window': {
    controls: ['psiN', 'psiP', 'd', 't', 'matrix', 'noiseDraws', 'tauMax', 'seed'],
    caption:
      'A random-features score trained by gradient flow on the denoising loss, for several training-set sizes n (colours). Top: the score error falls to its minimum at τ_gen, about the same for every n, and rises again once the model memorizes; the shaded band of each n runs from τ_gen to τ_mem, where the generalization gap reaches half its final value. Middle: training (dashed) and test (solid) losses part at τ_mem. Bottom left: both times against n, with power-law fits and the theory value ψ_p/(2Δ_t λ_min(ρ₁)). Bottom right: the spectrum of U, whose upper bulk is learnt by τ_gen and whose n-dependent bulk ρ₁ sets τ_mem.',
    loadView: async () => (await import('./training-window.ts')).trainingWindowView,
  },
  'training-samples': {
    controls: ['tau', 'psiN', 'psiP', 'd', 't', 'samples', 'seed'],
    caption:
      'The random-features score trained for a time τ at a small diffusion time t generates samples (Langevin dynamics at t, then one denoising step). Top: the fraction of samples that copy a training point, against τ, for two training-set sizes; dashed rules mark each τ_mem, the solid rule the chosen τ. Bottom: samples (blue; orange when the memorization test calls them copies) and training points (grey) in the first two of d coordinates.',
    loadView: async () => (await import('./training-samples.ts')).trainingSamplesView,
  },
  'width-threshold': {
    controls: ['psiPValues', 'psiNValues', 'd', 'seed'],
    caption:
      'The generalization gap of the random-features score over the training-set ratio ψ_n = n/d and the width ratio ψ_p = p/d, after training times 10³ and 10⁴ and in the limit τ → ∞. The line marks n = p: above it (n < p) the fully trained model memorizes, below it (n > p) its width keeps the gap small.',
    loadView: async () => (await import('./width-threshold.ts')).widthThresholdView,
  },
  speciation: {
    controls: ['d', 'method', 'protocol', 'pairs', 'sigma', 'cloneTimes', 'tMax', 'seed'],
    caption:
      'Cloning experiment on two Gaussian classes ±m in d dimensions: the probability φ(t) that two copies of a backward trajectory, separated at time t, end in the same class. Blue points are simulated (bars: ±2 standard errors), the orange curve is the universal curve F(u_t). Both cross the dashed 0.775 level near t_S = ½ log Λ; switch the axis to t/t_S and change d to see the curves collapse.',
    loadView: async () => (await import('./speciation.ts')).speciationView,
  },
  collapse: {
    controls: ['n', 'd', 'data', 'trajectories', 'steps', 'probes', 'seed'],
    caption:
      'Backward dynamics driven by the exact empirical score of n training points. Top: trajectories projected on the class direction m̂ and on a random direction; they pick a class near t_S and freeze onto a training point near t_C (time runs backwards from right to left). Bottom: the excess entropy fᵉ/α falls to 0 at the collapse, where the trajectories stop changing their nearest training point (ticks), and almost every sample passes the memorization test.',
    loadView: async () => (await import('./collapse.ts')).collapseView,
  },
  curse: {
    controls: ['sigma', 'tStar', 'dMin', 'dMax'],
    caption:
      'The closed-form collapse time t_C over dimension d and training-set size n (both on log scales; n up to 10 to the thousands). Above the white line collapse waits until t* or later; that line is log n = α* d, so the required n grows exponentially with d. Below, t_C against d at fixed n rises like ½ log d, as t_S does.',
    loadView: async () => (await import('./curse.ts')).curseView,
  },
  digits: {
    controls: ['classes', 'n', 'trajectories', 'steps', 'seed'],
    caption:
      'The exact empirical score of n MNIST digits of two classes generates copies: each generated digit is shown beside the training digit nearest to it. Below, the excess entropy of the training set locates t_C; the spectrum of its covariance gives Λ and t_S.',
    loadView: async () => (await import('./digits.ts')).digitsView,
  },
  manifold: {
    controls: ['D', 'shape', 'n', 'epsilon', 'trajectories', 'seed'],
    caption:
      'Data on a closed curve carried isometrically into R^D, generated by the backward process with the exact empirical score and stopped at several times ε. Left: the W₁ distance of the output to the training points against ε, with the derived bound (1 − e^−ε)E|x₀| + √(D(1 − e^−2ε)) ≈ √(2εD) and the floor of a finite sample; the denoised output sits on the floor. Right: the mean norm of the score along the run, growing like √(D/Δ_t) as t → 0. Below: the samples in the plane of the curve at each ε.',
    loadView: async () => (await import('./manifold.ts')).manifoldView,
  },
  sphere: {
    controls: ['n', 'walkers', 's', 'steps', 'seed'],
    caption:
      'Brownian motion on the sphere run backwards with the exact score of n heat-kernel-smoothed earthquake epicentres (one week of 2018 from the USGS feed), on a globe you can turn by dragging or with the arrow keys. The walkers end on epicentres, and the memorization test says so, against the fraction of held-out real quakes that pass it. Beside it: the forward walk against E cos θ = e^−s, and the heat kernel as a Legendre series and in Varadhan’s form.',
    loadView: async () => (await import('./sphere.ts')).sphereView,
  },
  bridge: {
    controls: ['case', 'A', 'B', 'T', 'iterations', 'particles', 'seed'],
    caption:
      'Generation in a finite time T. Gaussian case: the IPF iterates of the coupling cov(x₀, x_T) converge to the closed form C* = (√(τ² + 4AB) − τ)/2, τ = 2 sinh T; plain diffusion from the prior (the first IPF half-step) misses the data variance A when T is short, the bridge does not. Particle case: bridges between particles matched by Sinkhorn beside plain diffusion truncated at the same T, which ends on the moons in the wrong proportions (histogram along x₁).',
    loadView: async () => (await import('./bridge.ts')).bridgeView,
  },
  'low-rank-mixture': {
    controls: ['K', 'r', 'n', 'noise', 'orthogonal', 'd', 'seed'],
    caption:
      'Left: data on K subspaces of R^d (dots, one colour per subspace), the true subspaces (dashed) and those learned from the data by subspace clustering (solid), with backward trajectories from noise; drag the view or use the arrow keys to turn it. Right: the denoising error E|x̂₀ − x₀|² on fresh points against t for the optimal (MoLRG) denoiser, the same denoiser with the learned subspaces, and the memorizing (empirical) denoiser, with ±2 standard-error bands; the dotted curve is an oracle that knows each point’s subspace.',
    loadView: async () => (await import('./low-rank-mixture.ts')).lowRankMixtureView,
  },
  'subspace-transition': {
    controls: ['K', 'd', 'rValues', 'nValues', 'noise', 'trials', 'seed'],
    caption:
      'The probability that subspace clustering (PCA for K = 1) recovers every subspace, over the subspace dimension r and the number n of samples per subspace; the white line is n = r. The map first shown was precomputed on a fine grid when the site was built; changing a control computes a coarser one live. Below: the subspace error against n/r with the derived noiseless-PCA error for n < r, and the memorized fraction of generated samples above its chance level, which does not switch.',
    loadView: async () => (await import('./subspace-transition.ts')).subspaceTransitionView,
  },
  'subspace-editing': {
    controls: ['digit', 'direction', 'strength', 'seed'],
    caption:
      'A held-out MNIST digit moved along one principal direction of its class, from strength −s to +s in class standard deviations (the framed image is the digit itself); the last image shows the direction, orange where it adds ink and blue where it removes it. Below: each direction’s share of the class variance, and the edited images’ norms inside the stated bound.',
    loadView: async () => (await import('./subspace-editing.ts')).subspaceEditingView,
  },
};

export function widgetEntry(experiment: string): WidgetEntry | undefined {
  return Object.hasOwn(widgets, experiment) ? widgets[experiment] : undefined;
}
