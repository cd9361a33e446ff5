export * from './iban';
export * from './payout-details';
