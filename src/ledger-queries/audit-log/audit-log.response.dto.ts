import { ApiProperty } from '@nestjs/swagger';

export class RawEventDto {
  @ApiProperty() position!: number;
  @ApiProperty() id!: string;
  @ApiProperty() streamName!: string;
  @ApiProperty() revision!: number;
  @ApiProperty() type!: string;
  @ApiProperty() time!: string;
  @ApiProperty() data!: unknown;
  @ApiProperty() metadata!: Record<string, unknown>;
  @ApiProperty() prevHash!: string;
  @ApiProperty() hash!: string;
}

export class AuditEventsResponse {
  @ApiProperty({ description: 'The last log position included (the head, or the point in time asked for).' }) position!: number;
  @ApiProperty({ type: [RawEventDto] }) items!: RawEventDto[];
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'fromPosition of the next page (the position of its first event: positions are opaque and may jump); null at the end.',
  })
  nextPosition!: number | null;
}

export class VerifyProblemDto {
  @ApiProperty({ enum: ['hash-chain', 'ledger'] }) kind!: string;
  @ApiProperty() position!: number;
  @ApiProperty() code!: string;
  @ApiProperty() message!: string;
}

export class AuditVerifyResponse {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ description: 'The last log position verified.' }) position!: number;
  @ApiProperty({ description: 'Events checked (hash chains stop at the first broken link).' }) checkedEvents!: number;
  @ApiProperty({ type: [VerifyProblemDto], description: 'At most 100.' }) problems!: VerifyProblemDto[];
  @ApiProperty({
    description: 'Counts from the ledger audit (revenue reports, payout runs recomputed, settlements, revenue awaiting payout).',
  })
  summary!: Record<string, unknown>;
}
