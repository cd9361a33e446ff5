import { useEffect, useState } from 'preact/hooks';
import { LIVE, type AsOf } from '../as-of';

/** Chooses the point of the log every number on screen reflects. */
export function AsOfPicker(props: { value: AsOf; onChange: (a: AsOf) => void }) {
  const [mode, setMode] = useState<AsOf['kind']>(props.value.kind);
  const [position, setPosition] = useState(props.value.kind === 'position' ? String(props.value.position) : '');
  const [time, setTime] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setMode(props.value.kind), [props.value.kind]);

  const apply = (e: Event) => {
    e.preventDefault();
    setError(null);
    if (mode === 'live') return props.onChange(LIVE);
    if (mode === 'position') {
      const n = Number(position);
      if (!Number.isSafeInteger(n) || n < 0) return setError('A log position is a whole number.');
      return props.onChange({ kind: 'position', position: n });
    }
    const d = new Date(time);
    if (!time || Number.isNaN(d.getTime())) return setError('Choose a date and time.');
    props.onChange({ kind: 'time', time: d.toISOString() });
  };

  return (
    <form class="asof" onSubmit={apply} aria-label="Show the ledger as of" data-testid="as-of-picker">
      <div class="field inline">
        <label for="asof-mode">As of</label>
        <select
          id="asof-mode"
          value={mode}
          onChange={(e) => setMode((e.target as HTMLSelectElement).value as AsOf['kind'])}
          data-testid="as-of-mode"
        >
          <option value="live">now (live)</option>
          <option value="position">log position</option>
          <option value="time">time</option>
        </select>
      </div>
      {mode === 'position' && (
        <div class="field inline">
          <label for="asof-position" class="sr-only">
            Log position
          </label>
          <input
            id="asof-position"
            type="number"
            min={0}
            inputMode="numeric"
            value={position}
            onInput={(e) => setPosition((e.target as HTMLInputElement).value)}
            data-testid="as-of-position-input"
          />
        </div>
      )}
      {mode === 'time' && (
        <div class="field inline">
          <label for="asof-time" class="sr-only">
            Time (your local time)
          </label>
          <input
            id="asof-time"
            type="datetime-local"
            step={1}
            value={time}
            onInput={(e) => setTime((e.target as HTMLInputElement).value)}
            data-testid="as-of-time-input"
          />
        </div>
      )}
      <button type="submit" class="secondary" data-testid="as-of-apply">
        Show
      </button>
      {error && (
        <span class="error small" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
