import fc from 'fast-check';
import { csvField, renderPeriodStatementCsv, type PeriodStatement } from './period-statement';

/** A small RFC 4180 reader, to check what a spreadsheet would read back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

describe('statement CSV', () => {
  it('quotes per RFC 4180 and round-trips any text', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const [row] = parseCsv(`${csvField(s)}\r\n`);
        const back = row[0];
        expect(back === s || back === `'${s}`).toBe(true);
      }),
    );
  });

  it('defuses formulas but keeps negative amounts numbers', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('+1+1')).toBe("'+1+1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('-54.00')).toBe('-54.00');
    expect(csvField('-1+2')).toBe("'-1+2");
    expect(csvField(null)).toBe('');
  });

  it('has a header row, opening and closing rows, and lines that sum to the closing', () => {
    const s: PeriodStatement = {
      contributorId: 'c1',
      from: '2025-01-01T00:00:00.000Z',
      to: '2025-02-01T00:00:00.000Z',
      position: 9,
      lines: [
        {
          kind: 'allocation',
          position: 3,
          recordedAt: '2025-01-02T00:00:00.000Z',
          currency: 'USD',
          amount: '10.00',
          revenueId: 'r1',
          consumerId: 'k1',
          tokens: '5',
          totalTokens: '10',
          ratio: '0.5',
          revenueAmount: '40.00',
          poolAmount: '20.00',
          correctionId: null,
          reference: null,
        },
        {
          kind: 'settlement',
          position: 5,
          recordedAt: '2025-01-03T00:00:00.000Z',
          currency: 'USD',
          amount: '12.00',
          revenueId: null,
          consumerId: null,
          tokens: null,
          totalTokens: null,
          ratio: null,
          revenueAmount: null,
          poolAmount: null,
          correctionId: null,
          reference: '=cmd|"/c calc"!A1, wire',
        },
      ],
      currencies: [
        {
          currency: 'USD',
          opening: '5.00',
          allocated: '10.00',
          adjusted: '0.00',
          settled: '12.00',
          closing: '3.00',
          payable: '3.00',
          recoverable: '0.00',
        },
      ],
    };
    const rows = parseCsv(renderPeriodStatementCsv(s));
    expect(rows[0][0]).toBe('kind');
    expect(rows.map((r) => r[0])).toEqual(['kind', 'opening', 'allocation', 'settlement', 'closing']);
    expect(rows.every((r) => r.length === rows[0].length)).toBe(true);
    expect(rows[3][rows[0].indexOf('reference')]).toBe(`'=cmd|"/c calc"!A1, wire`);
    expect(rows[4][rows[0].indexOf('amount')]).toBe('3.00');
  });
});
