import type { MoneyField } from '../api/contract';
import { canonical, moneyLines, groupDigits } from '../format';

/**
 * One headline number. `data-value` carries the API's exact value (money and
 * ratios as the decimal strings the API sent) so tests compare it verbatim;
 * the text is the human rendering of the same value.
 */
export function Metric(props: { label: string; testId: string; value: unknown; display: string; hint?: string }) {
  return (
    <div class="metric">
      <dt>{props.label}</dt>
      <dd data-testid={props.testId} data-value={canonical(props.value)} title={props.hint}>
        {props.display}
      </dd>
    </div>
  );
}

export function MoneyMetric(props: { label: string; testId: string; value: MoneyField; currency?: string; hint?: string }) {
  const lines = moneyLines(props.value, props.currency);
  return (
    <div class="metric">
      <dt>{props.label}</dt>
      <dd data-testid={props.testId} data-value={canonical(props.value ?? {})} title={props.hint}>
        {lines.length === 0 ? (
          <span class="muted">0 (none yet)</span>
        ) : (
          lines.map((l) => (
            <span class="money" key={l.currency} data-testid={`${props.testId}-${l.currency}`} data-value={l.amount}>
              {groupDigits(l.amount)} <abbr title={`currency ${l.currency}`}>{l.currency}</abbr>
            </span>
          ))
        )}
      </dd>
    </div>
  );
}
