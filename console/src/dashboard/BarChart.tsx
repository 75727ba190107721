import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';
import { number } from '../format';
import { t } from '../i18n';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Legend,
  Tooltip,
);

export interface Series {
  label: string;
  values: Array<number | null>;
  color: string;
  /** A target drawn as a line of points over the bars. */
  kind?: 'bar' | 'line';
}

/**
 * A Chart.js bar chart with its figures beside it as a table: the canvas is for the eye, the
 * table for a screen reader, a keyboard user and anyone who wants the exact number.
 */
export function BarChart({
  id,
  title,
  labels,
  series,
  unit,
}: {
  id: string;
  title: string;
  labels: string[];
  series: Series[];
  unit: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart | null>(null);

  useEffect(() => {
    if (!canvas.current) return;
    chart.current?.destroy();
    chart.current = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels,
        datasets: series.map((s) =>
          s.kind === 'line'
            ? {
                type: 'line' as const,
                label: s.label,
                data: s.values,
                borderColor: s.color,
                backgroundColor: s.color,
                borderDash: [6, 4],
                borderWidth: 2,
                pointStyle: 'line',
                pointRadius: 24,
                pointBorderWidth: 3,
                // Drawn over the bars (a lower order is drawn later).
                order: 0,
              }
            : {
                type: 'bar' as const,
                label: s.label,
                data: s.values,
                backgroundColor: s.color,
                order: 1,
              },
        ),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { position: 'bottom' } },
        scales: { y: { beginAtZero: true, title: { display: true, text: unit } } },
      },
    });
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
  }, [JSON.stringify({ labels, series, unit })]);

  return (
    <figure class="chart" data-chart={id}>
      <figcaption>
        <h3>{title}</h3>
      </figcaption>
      <div class="chart-box">
        <canvas ref={canvas} role="img" aria-label={title} />
      </div>
      <details class="figures">
        <summary>{t('tableOfChart')}</summary>
        <table data-figures={id}>
          <thead>
            <tr>
              <th scope="col">{t('group')}</th>
              {series.map((s) => (
                <th scope="col" key={s.label}>
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {labels.map((label, i) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                {series.map((s) => (
                  <td key={s.label} data-value={s.values[i] ?? ''}>
                    {number(s.values[i], 1)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
