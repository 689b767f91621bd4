import type uPlot from 'uplot';
import { taskColor, TASK_COLORS, withAlpha } from './palette';

/** A dashed vertical line at the best evaluation's step, labelled "best". */
export function bestStepPlugin(bestStep: number | null): uPlot.Plugin {
  const draw = (u: uPlot) => {
    if (bestStep === null) return;
    const x = u.valToPos(bestStep, 'x', true);
    const { left, top, width, height } = u.bbox;
    if (!(x >= left && x <= left + width)) return;
    const ctx = u.ctx;
    const px = devicePixelRatio;
    ctx.save();
    ctx.strokeStyle = '#666';
    ctx.setLineDash([4 * px, 4 * px]);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    ctx.fillStyle = '#444';
    ctx.font = `${11 * px}px system-ui, sans-serif`;
    // Label inside the plot: left of the line when it is in the right half.
    const right = x > left + width / 2;
    ctx.textAlign = right ? 'right' : 'left';
    ctx.fillText('best', x + (right ? -4 : 4) * px, top + 12 * px);
    ctx.restore();
  };
  return { hooks: { draw } };
}

/**
 * Raw-value series drawn faintly beside their smoothed ones: left out of the legend,
 * and shown or hidden with their smoothed series. `pairs` maps smoothed → raw index.
 */
export function rawCompanionsPlugin(pairs: Map<number, number>): uPlot.Plugin {
  const raws = new Set(pairs.values());
  return {
    hooks: {
      init: (u: uPlot) => {
        u.root.querySelectorAll<HTMLElement>('.u-legend .u-series').forEach((row, i) => {
          if (raws.has(i)) row.style.display = 'none';
        });
      },
      setSeries: (u: uPlot, seriesIdx: number | null, opts: uPlot.Series) => {
        const raw = seriesIdx === null ? undefined : pairs.get(seriesIdx);
        if (raw !== undefined && opts.show !== undefined) u.setSeries(raw, { show: opts.show });
      },
    },
  };
}

/** Legend markers that show dashed series as dashed. */
export const dashedLegend: uPlot.Legend = {
  markers: { dash: (u: uPlot, i: number) => (u.series[i].dash?.length ? 'dashed' : 'solid') },
};

const patterns = new Map<string, CanvasPattern | string>();

/**
 * Area fill of task `i`: its colour, translucent; past the seventh task (where colours
 * repeat) hatched, so stacked areas stay apart without relying on hue.
 */
export function taskFill(i: number, alpha = 0.55): CanvasPattern | string {
  const color = withAlpha(taskColor(i), alpha);
  if (i < TASK_COLORS.length) return color;
  const key = `${i}:${alpha}`;
  if (!patterns.has(key)) patterns.set(key, hatch(color, taskColor(i), Math.floor(i / TASK_COLORS.length)));
  return patterns.get(key)!;
}

function hatch(background: string, line: string, variant: number): CanvasPattern | string {
  const size = Math.round(8 * devicePixelRatio);
  const tile = document.createElement('canvas');
  tile.width = tile.height = size;
  const ctx = tile.getContext('2d');
  if (!ctx) return background;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, size, size);
  ctx.strokeStyle = line;
  ctx.lineWidth = Math.max(1, devicePixelRatio);
  ctx.beginPath();
  if (variant % 2) {
    ctx.moveTo(0, size);
    ctx.lineTo(size, 0);
  } else {
    ctx.moveTo(0, 0);
    ctx.lineTo(size, size);
  }
  ctx.stroke();
  return ctx.createPattern(tile, 'repeat') ?? background;
}
