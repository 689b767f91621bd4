import * as tf from '@tensorflow/tfjs-core';
import { LOG_VARS } from '@camtl/core';
import { describeEachBackend, expectNoLeak } from '@camtl/core/testing';
import { expect, it } from 'vitest';
import { createCaMtl, loadCaMtl } from './ca-mtl-model';
import { caMtlParamCounts } from './counts';
import { batch, smallBertCheckpoint } from './test-helpers';

const TASKS = ['mrpc', 'mnli', 'sts-b', 'rte'];

describeEachBackend('CA-MTL with uncertainty loss weighting', () => {
  it('adds loss_weighting.log_vars [T]; loss = mean over present tasks of exp(−s)·L + s; saved in camtl_options', async () => {
    const { fs } = await smallBertCheckpoint();
    const options = { lossWeighting: 'uncertainty' as const };
    const { model } = await createCaMtl({ base: 'bert', fs, tasks: TASKS, maxSeqLength: 16, options, seed: 1 });
    expect(model.store.get(LOG_VARS).shape).toEqual([4]);
    expect(model.summary().groups.loss_weighting.total).toBe(4);
    expect(caMtlParamCounts({ variant: 'base', tasks: TASKS, options }).total).toBe(
      caMtlParamCounts({ variant: 'base', tasks: TASKS }).total + 4,
    );
    expect(model.taskParameters[3]).toEqual(['decoders.3.model.weight', 'decoders.3.model.bias']);
    const s = [0.5, -0.4, 0.2, 1.3]; // rte (task 3) is absent below
    model.store.get(LOG_VARS).assign(tf.tensor1d(s));
    const x = batch([8, 5, 11, 3], [2, 0, 1, 2], 11, [3.5, 1, 2, 0.5]);
    const out = model.forward(x);
    const L = Array.from(out.perTaskLoss!.dataSync()); // the unweighted per-task means
    const pe = out.perExampleLoss!.dataSync();
    expect(L[2]).toBeCloseTo((pe[0] + pe[3]) / 2, 5);
    const want = [0, 1, 2].reduce((a, t) => a + Math.exp(-s[t]) * L[t] + s[t], 0) / 3;
    expect(out.loss!.dataSync()[0]).toBeCloseTo(want, 5);
    await model.save('saved', fs);
    const config = JSON.parse(await fs.readText('saved/config.json'));
    expect(config.camtl_options).toEqual({ lossWeighting: 'uncertainty' });
    const { model: loaded } = await loadCaMtl('saved', fs);
    expect(loaded.forward(x).loss!.dataSync()[0]).toBe(out.loss!.dataSync()[0]);
    const vars = [...model.store.trainable().values()];
    expectNoLeak(() => {
      const r = tf.variableGrads(() => model.forward(x).loss!, vars);
      tf.dispose([r.value, ...Object.values(r.grads)]);
    }, 2);
    model.dispose();
    loaded.dispose();
  });
});
