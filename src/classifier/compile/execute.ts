// Execution of a compiled network: the steps run in order, each intermediate freed as soon as
// its last reader ran (keeps the wasm heap small and warm in cache), one op per generator step
// so that a caller can pause between ops (runSliced) or not (run).

import type { Tensor, Tensor4D } from "@tensorflow/tfjs";
import type { Tf } from "../tf-setup";
import type { Step } from "./layers";

/** A compiled forward pass. It owns its weight tensors: the LayersModel it came from may be disposed. */
export interface FoldedNetwork {
  /** Runs the network on an NHWC float32 batch [batch, height, width, 3]; returns the outputs of the target layers, in order (the caller disposes them). Frees every intermediate, also when it throws. */
  run(x: Tensor4D): Tensor[];
  /** As run, awaiting `pause()` between ops (the app uses it to keep main-thread tasks short). An error thrown by `pause` frees the intermediates and is rethrown. */
  runSliced(x: Tensor4D, pause: () => Promise<void>): Promise<Tensor[]>;
  /** How many BatchNormalization layers were folded into a convolution. */
  foldedBatchNorms: number;
  /** How many ops one forward pass runs (a rough cost measure, for reports). */
  opCount: number;
  /** Frees the weights; the network cannot run afterwards. */
  dispose(): void;
}

/** What the compiler hands to execution: the ops in order, the input and output names, and the tensors the network owns. */
export interface CompiledPlan {
  steps: Step[];
  inputName: string;
  /** The computed output behind each target, in the targets' order. */
  outputs: string[];
  owned: Tensor[];
  foldedBatchNorms: number;
}

/** A runnable network over `plan`; takes ownership of `plan.owned`. */
export function networkOf(tf: Tf, plan: CompiledPlan): FoldedNetwork {
  const { steps, inputName, outputs, owned } = plan;
  const readers = new Map<string, number>();
  for (const s of steps) for (const i of s.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);
  for (const o of outputs) readers.set(o, (readers.get(o) ?? 0) + 1);

  function* execute(x: Tensor4D): Generator<void, Tensor[], void> {
    const live = new Map<string, Tensor>([[inputName, x]]);
    const left = new Map(readers);
    const release = (n: string): void => {
      const r = (left.get(n) ?? 0) - 1;
      left.set(n, r);
      if (r <= 0 && n !== inputName) {
        live.get(n)?.dispose();
        live.delete(n);
      }
    };
    try {
      for (const s of steps) {
        const xs = s.inputs.map((i) => {
          const t = live.get(i);
          if (!t) throw new Error(`internal: ${i} not computed before ${s.out}`);
          return t;
        });
        const y = s.run(xs);
        live.set(s.out, y);
        for (const i of s.inputs) release(i);
        yield;
      }
      return outputs.map((o) => {
        const t = live.get(o);
        if (!t) throw new Error(`internal: output ${o} missing`);
        // The caller owns the outputs; an output that is the input itself is cloned.
        return o === inputName ? tf.clone(t) : t;
      });
    } catch (err) {
      for (const [n, t] of live) if (n !== inputName) t.dispose();
      throw err;
    }
  }

  return {
    foldedBatchNorms: plan.foldedBatchNorms,
    opCount: steps.length,
    run(x: Tensor4D): Tensor[] {
      const pass = execute(x);
      let r = pass.next();
      while (!r.done) r = pass.next();
      return r.value;
    },
    async runSliced(x: Tensor4D, pause: () => Promise<void>): Promise<Tensor[]> {
      const pass = execute(x);
      let r = pass.next();
      while (!r.done) {
        try {
          await pause();
        } catch (err) {
          // The generator frees what it holds, then rethrows.
          pass.throw(err);
        }
        r = pass.next();
      }
      return r.value;
    },
    dispose() {
      tf.dispose(owned);
      owned.length = 0;
    },
  };
}
