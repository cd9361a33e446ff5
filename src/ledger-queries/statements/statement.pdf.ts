import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import type { PeriodStatement } from '@1tt/audit';

const requireFrom = createRequire(__filename);
/** DejaVu Sans (npm dejavu-fonts-ttf): embedded as a TrueType subset, so the PDF renders the same everywhere (Σ, →, names in any script DejaVu covers). */
const FONT_DIR = join(dirname(requireFrom.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const REGULAR = join(FONT_DIR, 'DejaVuSans.ttf');
const BOLD = join(FONT_DIR, 'DejaVuSans-Bold.ttf');

/**
 * The statement as a PDF document (pdfkit, A4, fonts embedded): the period,
 * the balances per currency, then every line. Deterministic metadata (no
 * creation date beyond the statement's own bounds), so the same statement
 * gives the same figures; the bytes may differ by pdfkit's document id.
 */
export function renderPeriodStatementPdf(s: PeriodStatement): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 40,
    info: { Title: `Payout statement ${s.contributorId}`, Author: '1TT Ledger', Subject: 'Contributor statement' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (b: Buffer) => chunks.push(b));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('body', REGULAR);
  doc.registerFont('bold', BOLD);
  doc.font('bold').fontSize(16).text('Payout statement');
  doc.font('body').fontSize(9).moveDown(0.3);
  doc.text(`Contributor ${s.contributorDisplayName ? `${s.contributorDisplayName} (${s.contributorId})` : s.contributorId}`);
  doc.text(`Period: ${s.from ?? 'the start of the log'} → ${s.to ?? `log position ${s.position}`} (recorded time, end excluded)`);
  doc.text(`As of log position ${s.position}. Recomputable with: 1tt audit statement <export> --contributor ${s.contributorId}`);
  doc.moveDown();
  doc.font('bold').fontSize(11).text('Balances');
  doc.font('body').fontSize(9);
  const balanceHead = ['currency', 'opening', 'allocated', 'adjusted', 'settled', 'closing', 'payable', 'recoverable'];
  table(
    doc,
    balanceHead,
    s.currencies.map((c) => [c.currency, c.opening, c.allocated, c.adjusted, c.settled, c.closing, c.payable, c.recoverable]),
    [50, 65, 65, 65, 65, 65, 65, 65],
  );
  doc.moveDown();
  doc.font('bold').fontSize(11).text('Lines');
  doc.font('body').fontSize(8);
  table(
    doc,
    ['recorded (UTC)', 'kind', 'amount', 'revenue / reference', 'tokens', 'ratio'],
    s.lines.map((l) => [
      l.recordedAt.slice(0, 19).replace('T', ' '),
      l.kind,
      `${l.amount} ${l.currency}`,
      l.kind === 'settlement' ? (l.reference ?? '') : `${l.revenueId ?? ''}${l.revenueAmount ? ` (${l.revenueAmount})` : ''}`,
      l.tokens ? `${l.tokens} / ${l.totalTokens}` : '',
      l.ratio ?? '',
    ]),
    [85, 60, 80, 190, 60, 40],
  );
  if (s.lines.length === 0) doc.text('No allocations, adjustments or settlements in this period.');
  doc.end();
  return done;
}

function table(doc: PDFKit.PDFDocument, head: string[], rows: string[][], widths: number[]): void {
  const left = doc.page.margins.left;
  const row = (cells: string[], bold: boolean): void => {
    if (doc.y > doc.page.height - doc.page.margins.bottom - 20) doc.addPage();
    const y = doc.y;
    doc.font(bold ? 'bold' : 'body');
    let x = left;
    let bottom = y;
    cells.forEach((c, i) => {
      doc.text(c, x, y, { width: widths[i] - 4 });
      bottom = Math.max(bottom, doc.y);
      x += widths[i];
    });
    doc.x = left;
    doc.y = bottom + 2;
  };
  row(head, true);
  for (const r of rows) row(r, false);
  doc.font('body');
}
