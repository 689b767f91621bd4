/** A small, dependency-free loss plot on a canvas: per-step loss and its moving average. */

export interface LossPlot {
  push(step: number, loss: number): void;
  reset(totalSteps: number): void;
  readonly points: ReadonlyArray<[number, number]>;
}

function niceTicks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => span / s <= count) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(Number(v.toFixed(10)));
  return out;
}

export function lossPlot(canvas: HTMLCanvasElement, options: { window?: number; totalSteps?: number } = {}): LossPlot {
  const points: Array<[number, number]> = [];
  let total = Math.max(2, options.totalSteps ?? 10);
  const win = options.window ?? 5;
  const css = getComputedStyle(canvas);
  const colors = {
    text: css.getPropertyValue('--plot-text').trim() || '#333',
    grid: css.getPropertyValue('--plot-grid').trim() || '#ddd',
    raw: css.getPropertyValue('--plot-raw').trim() || '#9ab',
    avg: css.getPropertyValue('--plot-avg').trim() || '#1463c8',
  };

  function draw(): void {
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth || 600;
    const h = canvas.clientHeight || 240;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const pad = { l: 56, r: 14, t: 12, b: 34 };
    const pw = w - pad.l - pad.r;
    const ph = h - pad.t - pad.b;
    const losses = points.map((p) => p[1]);
    const hi = losses.length ? Math.max(...losses) * 1.05 : 1;
    const lo = losses.length ? Math.max(0, Math.min(...losses) * 0.95) : 0;
    const x = (s: number) => pad.l + (pw * (s - 1)) / Math.max(1, total - 1);
    const y = (v: number) => pad.t + ph - (ph * (v - lo)) / (hi - lo || 1);
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillStyle = colors.text;
    ctx.strokeStyle = colors.grid;
    ctx.lineWidth = 1;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const v of niceTicks(lo, hi, 4)) {
      ctx.beginPath();
      ctx.moveTo(pad.l, Math.round(y(v)) + 0.5);
      ctx.lineTo(w - pad.r, Math.round(y(v)) + 0.5);
      ctx.stroke();
      ctx.fillText(v.toFixed(v < 1 ? 2 : 1), pad.l - 6, y(v));
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const s of niceTicks(0, Math.max(2, total), 6).filter((s) => s >= 1 && Number.isInteger(s)))
      ctx.fillText(String(s), x(s), h - pad.b + 6);
    ctx.fillText('step', pad.l + pw / 2, h - 14);
    ctx.save();
    ctx.translate(12, pad.t + ph / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText('loss', 0, -6);
    ctx.restore();
    if (points.length === 0) {
      ctx.fillText('the loss of each training step appears here', pad.l + pw / 2, pad.t + ph / 2 - 8);
      return;
    }
    const line = (pts: Array<[number, number]>, color: string, width: number) => {
      ctx.strokeStyle = color;
      ctx.lineWidth = width;
      ctx.lineJoin = 'round';
      ctx.beginPath();
      pts.forEach(([s, v], i) => (i === 0 ? ctx.moveTo(x(s), y(v)) : ctx.lineTo(x(s), y(v))));
      ctx.stroke();
    };
    line(points, colors.raw, 1.25);
    const avg = points.map(([s], i): [number, number] => {
      const slice = losses.slice(Math.max(0, i - win + 1), i + 1);
      return [s, slice.reduce((a, b) => a + b, 0) / slice.length];
    });
    line(avg, colors.avg, 2.5);
  }

  new ResizeObserver(() => draw()).observe(canvas);
  draw();
  return {
    points,
    push(step, loss) {
      points.push([step, loss]);
      draw();
    },
    reset(totalSteps) {
      points.length = 0;
      total = Math.max(2, totalSteps);
      draw();
    },
  };
}
