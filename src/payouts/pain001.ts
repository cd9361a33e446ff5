/**
 * ISO 20022 pain.001.001.09 (CustomerCreditTransferInitiationV09) for a
 * payout batch, in the form the European Payments Council's SEPA Credit
 * Transfer implementation guidelines (EPC132-08, 2023) restrict it to: one
 * payment information block, EUR, IBANs, names ≤ 70 characters, service
 * level SEPA, charges SLEV. schemas/iso20022/pain.001.001.09.xsd is that
 * published schema; a test validates every file shape against it with
 * xmllint. The file is a pure function of the batch and the payees' details:
 * the same batch exports byte-identical files (creation time = the batch's).
 */
import { formatMinor, parseAmount } from '@1tt/ledger';

export interface Pain001Debtor {
  name: string;
  iban: string;
  bic?: string;
}

export interface Pain001Line {
  endToEndId: string;
  amount: string;
  creditorName: string;
  creditorIban: string;
  remittance: string;
}

export interface Pain001Batch {
  batchId: string;
  currency: string;
  createdAt: string;
  lines: Pain001Line[];
}

/** XML text escaping, and characters outside the SEPA Latin set replaced (EPC guidelines allow a restricted set). */
function text(value: string, max: number): string {
  const latin = value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9/\-?:().,'+ ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);
  return (latin.length > 0 ? latin : 'NOTPROVIDED')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/'/g, '&apos;');
}

export function renderPain001(batch: Pain001Batch, debtor: Pain001Debtor): string {
  const ccy = batch.currency;
  const total = formatMinor(
    batch.lines.reduce((s, l) => s + parseAmount(l.amount, ccy), 0n),
    ccy,
  );
  const msgId = batch.batchId.replace(/[^A-Za-z0-9]/g, '').slice(0, 35);
  const created = batch.createdAt.replace(/\.\d{3}Z$/, 'Z');
  const date = batch.createdAt.slice(0, 10);
  const agent = debtor.bic ? `<BICFI>${debtor.bic}</BICFI>` : '<Othr><Id>NOTPROVIDED</Id></Othr>';
  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">');
  out.push('  <CstmrCdtTrfInitn>');
  out.push('    <GrpHdr>');
  out.push(`      <MsgId>${msgId}</MsgId>`);
  out.push(`      <CreDtTm>${created}</CreDtTm>`);
  out.push(`      <NbOfTxs>${batch.lines.length}</NbOfTxs>`);
  out.push(`      <CtrlSum>${total}</CtrlSum>`);
  out.push(`      <InitgPty><Nm>${text(debtor.name, 70)}</Nm></InitgPty>`);
  out.push('    </GrpHdr>');
  out.push('    <PmtInf>');
  out.push(`      <PmtInfId>${msgId}</PmtInfId>`);
  out.push('      <PmtMtd>TRF</PmtMtd>');
  out.push('      <BtchBookg>false</BtchBookg>');
  out.push(`      <NbOfTxs>${batch.lines.length}</NbOfTxs>`);
  out.push(`      <CtrlSum>${total}</CtrlSum>`);
  out.push('      <PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>');
  out.push(`      <ReqdExctnDt><Dt>${date}</Dt></ReqdExctnDt>`);
  out.push(`      <Dbtr><Nm>${text(debtor.name, 70)}</Nm></Dbtr>`);
  out.push(`      <DbtrAcct><Id><IBAN>${debtor.iban}</IBAN></Id></DbtrAcct>`);
  out.push(`      <DbtrAgt><FinInstnId>${agent}</FinInstnId></DbtrAgt>`);
  out.push('      <ChrgBr>SLEV</ChrgBr>');
  for (const l of batch.lines) {
    out.push('      <CdtTrfTxInf>');
    out.push(`        <PmtId><EndToEndId>${text(l.endToEndId, 35)}</EndToEndId></PmtId>`);
    out.push(`        <Amt><InstdAmt Ccy="${ccy}">${l.amount}</InstdAmt></Amt>`);
    out.push(`        <Cdtr><Nm>${text(l.creditorName, 70)}</Nm></Cdtr>`);
    out.push(`        <CdtrAcct><Id><IBAN>${l.creditorIban}</IBAN></Id></CdtrAcct>`);
    out.push(`        <RmtInf><Ustrd>${text(l.remittance, 140)}</Ustrd></RmtInf>`);
    out.push('      </CdtTrfTxInf>');
  }
  out.push('    </PmtInf>');
  out.push('  </CstmrCdtTrfInitn>');
  out.push('</Document>');
  return out.join('\n') + '\n';
}
