import { ApiProperty } from '@nestjs/swagger';
import { POSITION_DESCRIPTION } from '../../http/point-in-time.params';

const DECAYED = 'Evidence of each UTC day weighs 2^(−age in days / 90).';

export class ReputationComponentsDto {
  @ApiProperty({
    description: `Kept tokens / input tokens of accepted contributions (input estimated from document counts, rounded up). ${DECAYED} 6 decimals, rounded down.`,
  })
  keptTokenRatio!: string;
  @ApiProperty({ description: `Tokens duplicating earlier contributions / input tokens. ${DECAYED}` })
  duplicateRatio!: string;
  @ApiProperty({ description: `Rejected uploads, a decayed count (a decimal string). ${DECAYED}` })
  rejectedUploads!: string;
  @ApiProperty({ description: `Withdrawn tokens / kept tokens, at most 1. ${DECAYED}` })
  withdrawals!: string;
  @ApiProperty({
    description:
      '"0": no event records exclusions of this contributor\'s data by others (an owner\'s own exclusions are consent, not counted).',
  })
  exclusions!: string;
  @ApiProperty({ description: `Tokens credited to data requests / kept tokens, at most 1 (DatasetAccepted requestCredit). ${DECAYED}` })
  requestFulfilment!: string;
  @ApiProperty({ description: 'Whole days from registration to the evaluation day.' })
  tenureDays!: number;
}

export class ReputationResponse {
  @ApiProperty() contributorId!: string;
  @ApiProperty({
    description:
      'reputation-v2, a decimal string in [0, 1] (6 decimals, rounded down): quality × (1 − duplicateRatio/2) × 1/(1 + rejectedUploads/4) × (1 − withdrawals/4) × 1/(1 + exclusions/4) × (0.8 + 0.2·min(1, tenureDays/180)), then + (1 − score)·requestFulfilment/5; quality = (K + 5000)/(I + 10000) over decayed kept (K) and input (I) tokens. docs/REPUTATION.md.',
  })
  score!: string;
  @ApiProperty({ type: ReputationComponentsDto }) components!: ReputationComponentsDto;
  @ApiProperty({ description: 'The formula the score was computed with ("reputation-v2").' }) formulaVersion!: string;
  @ApiProperty({
    description:
      "The UTC day the score is evaluated on: the day of the last ledger event at `position` (the log's clock), so a position always gives the same answer.",
  })
  evaluatedOn!: string;
  @ApiProperty({ description: POSITION_DESCRIPTION }) position!: number;
}
