import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { POSITION_DESCRIPTION } from '../../http/point-in-time.params';
import { NAME_NOTE } from '../../directory/display-name.api';
import { ConsumerScopeDto } from '../../ledger/agreement/set-agreement.request.dto';

export class PoolEntryDto {
  @ApiProperty() contributorId!: string;
  @ApiProperty({ nullable: true, type: String, description: NAME_NOTE }) contributorDisplayName?: string | null;
  @ApiProperty({ description: 'Tokens in the pool (accepted, counted, not withdrawn), as a decimal string.' }) tokens!: string;
  @ApiProperty({ description: 'tokens / ΣT, a decimal string with 12 decimals rounded down.' }) ratio!: string;
  @ApiPropertyOptional({
    description:
      "Tokens per dataset in the pool: on the caller's own entry for a contributor; for admin/auditor with includeDatasets=true. Never other contributors' datasets.",
  })
  datasets?: Record<string, string>;
}

export class PoolResponse {
  @ApiProperty({ description: POSITION_DESCRIPTION }) position!: number;
  @ApiPropertyOptional({ description: 'With ?consumerId=: the consumer whose eligible pool this is.' }) consumerId?: string;
  @ApiPropertyOptional({
    nullable: true,
    type: () => ConsumerScopeDto,
    description: 'With ?consumerId=: the scope of its agreement in force (null: none, the whole pool).',
  })
  scope?: ConsumerScopeDto | null;
  @ApiProperty({ description: 'ΣT: all tokens in the pool (with ?consumerId=: ΣT_c, the tokens eligible under its scope).' })
  totalTokens!: string;
  @ApiProperty() contributorCount!: number;
  @ApiProperty({ type: [PoolEntryDto], description: 'In contributor id order; paginated (cursor, limit ≤ 1000, default 1000).' })
  contributors!: PoolEntryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
