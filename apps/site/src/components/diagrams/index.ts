import Bridge from './Bridge.astro';
import ForwardNoising from './ForwardNoising.astro';
import Regimes from './Regimes.astro';
import SymmetryBreaking from './SymmetryBreaking.astro';
import TrainingWindow from './TrainingWindow.astro';
import UnionOfSubspaces from './UnionOfSubspaces.astro';

/** The explanatory diagrams, by the tag a chapter text writes them with (`<Regimes />`). */
export const diagrams = { Bridge, ForwardNoising, Regimes, SymmetryBreaking, TrainingWindow, UnionOfSubspaces };
