/**
 * A score: F(x, t) = ∇ log P_t(x) for each of the m rows of x (m × d, row-major), written into a
 * new array. The optional `nearest` output receives, per row, the index of the heaviest centre
 * when the score is a softmax over centres (empirical or mixture scores).
 */
export interface Score {
  readonly d: number;
  evaluate(x: Float32Array, m: number, t: number): { score: Float32Array; nearest?: Int32Array };
}
