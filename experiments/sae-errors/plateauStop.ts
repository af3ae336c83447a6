import type { CurvePoint } from './heads';

/**
 * The heads' stopping rule and training curve: every `evalEvery` steps a point (mean recorded training loss since
 * the last point, held-out loss); stop when the best held-out loss has not fallen by a relative `relTol` for
 * `patience` evaluations. (`trainHead` still inlines the same rule; it moves here at its next re-keying run.)
 */
export class PlateauStop {
  readonly curve: CurvePoint[] = [];
  private best = Infinity;
  private bestAt = 0;
  private sum = 0;
  private count = 0;
  constructor(private readonly rule: { relTol: number; patience: number }) {}

  /** A training loss that the next curve point averages. */
  addTrainLoss(loss: number): void {
    this.sum += loss;
    this.count++;
  }

  /** Closes a curve point at `step` with its held-out loss; true when the rule says stop. */
  evaluate(step: number, heldOut: number): boolean {
    this.curve.push({ step, train: this.sum / this.count, heldOut });
    this.sum = 0;
    this.count = 0;
    const improved = heldOut < this.best * (1 - this.rule.relTol);
    if (improved) {
      this.best = heldOut;
      this.bestAt = this.curve.length;
    }
    return !improved && this.curve.length - this.bestAt >= this.rule.patience;
  }
}
