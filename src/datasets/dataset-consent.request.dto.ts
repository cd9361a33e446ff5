import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { DATA_USES } from '@1tt/ledger';

/** Issue #14. `uses` is checked by the ledger (uses-invalid), so every route answers the same code. */
export class DatasetConsentRequest {
  @ApiProperty({
    type: [String],
    enum: DATA_USES,
    description: 'The uses the dataset grants from now on (at least one).',
    example: ['retrieval'],
  })
  @Allow()
  uses!: unknown;
}

export class DatasetConsentResponse {
  @ApiProperty() datasetId!: string;
  @ApiProperty({ type: [String], enum: DATA_USES }) uses!: string[];
  @ApiPropertyOptional({ description: 'Log position from which the uses apply (absent when they were already so).' }) position?: number;
}

export class ExcludeDocumentsRequest {
  @ApiProperty({
    type: [Number],
    description: '0-based indexes of kept documents, as in the per-document report; 1 to 10,000 distinct.',
    example: [0, 7],
  })
  @Allow()
  indexes!: unknown;
}

export class DocumentsExcludedResponse {
  @ApiProperty() datasetId!: string;
  @ApiProperty({ type: [Number] }) indexes!: number[];
  @ApiProperty({ description: 'Tokens that left the pool (decimal string).' }) tokens!: string;
  @ApiProperty({ description: 'Log position from which they are excluded.' }) position!: number;
}

export class ContributorConsentRequest {
  @ApiProperty({
    type: [String],
    enum: DATA_USES,
    description: "The uses the contributor's new uploads grant when they name none (at least one).",
    example: ['training', 'retrieval'],
  })
  @Allow()
  uses!: unknown;
}

export class ContributorConsentResponse {
  @ApiProperty() contributorId!: string;
  @ApiProperty({ type: [String], enum: DATA_USES }) uses!: string[];
}
