import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { DatasetProgress, ReportLine } from '@1tt/dataset-processing';
import { POSITION_DESCRIPTION } from '../../http/point-in-time.params';
import type { DatasetView } from './dataset.projection';

export class DatasetProgressDto implements DatasetProgress {
  @ApiProperty() documentsDone!: number;
  @ApiProperty() bytesRead!: number;
  @ApiProperty() totalBytes!: number;
}

/** A dataset as its owner (and admin, auditor) sees it; the admin/auditor-only fields are marked. */
export class RequestCreditDto {
  @ApiProperty() requestId!: string;
  @ApiProperty({ description: 'Tokens credited to the request, a digit string.' }) creditedTokens!: string;
}

export class DatasetDto {
  @ApiProperty() datasetId!: string;
  @ApiProperty({ nullable: true, type: String, description: 'null for a consumer reference corpus.' }) contributorId!: string | null;
  @ApiProperty({ enum: ['processing', 'accepted', 'rejected', 'withdrawn'] }) status!: DatasetView['status'];
  @ApiProperty() fileName!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: '.txt uploads: how the file was cut into documents (document | paragraph | line); null for other formats.',
  })
  split!: string | null;
  @ApiProperty() sizeBytes!: number;
  @ApiProperty() sha256!: string;
  @ApiProperty() uploadedAt!: string;
  @ApiProperty({ nullable: true, type: Number }) documentsIn!: number | null;
  @ApiProperty({ nullable: true, type: Number }) documentsKept!: number | null;
  @ApiProperty({ description: 'Documents removed, per reason.' }) removed!: Record<string, number>;
  @ApiProperty({ nullable: true, type: Number }) duplicatesOfEarlier!: number | null;
  @ApiProperty({ nullable: true, type: Number }) tokens!: number | null;
  @ApiProperty({ nullable: true, type: String }) tokenizer!: string | null;
  @ApiProperty({ nullable: true, type: Object, description: 'The preprocessing pipeline that judged it (blocks and versions).' })
  pipeline!: DatasetView['pipeline'];
  @ApiProperty({
    nullable: true,
    type: Object,
    description: "Tokens kept per language (ISO 639-1, else 639-3; 'zxx' for code); null under v1 pipelines.",
  })
  languages!: Record<string, number> | null;
  @ApiProperty({ nullable: true, type: Object, description: 'Tokens kept per content class; null under v1 pipelines.' })
  contentClasses!: Record<string, number> | null;
  @ApiProperty({ nullable: true, type: String, description: 'The data request the upload answers (form field requestId); null otherwise.' })
  requestId!: string | null;
  @ApiProperty({
    nullable: true,
    type: RequestCreditDto,
    description:
      'Once accepted, for an upload answering a data request: the tokens credited to it (matching documents, in log order until its target). docs/DATA-REQUESTS.md.',
  })
  requestCredit!: RequestCreditDto | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'SPDX licence identifier the data is offered under (LicenseRef-1tt-contributor-grant-1: the platform grant, the default); null: uploaded before licences were recorded (unknown).',
  })
  licence!: string | null;
  @ApiProperty({
    type: [String],
    enum: ['training', 'evaluation', 'retrieval'],
    description:
      'Uses the dataset grants now (its owner changes them with PUT /v1/datasets/{id}/consent); uploads recorded before consent existed: [training].',
  })
  uses!: string[];
  @ApiProperty({ description: 'Documents its owner excluded (POST /v1/datasets/{id}/exclusions).' }) excludedDocuments!: number;
  @ApiProperty({ description: 'Their tokens, which left the pool.' }) excludedTokens!: number;
  @ApiProperty({ nullable: true, type: DatasetProgressDto, description: 'While processing; null once decided.' })
  progress!: DatasetProgress | null;
  @ApiPropertyOptional() rejectionReason?: string;
  @ApiPropertyOptional({ type: Object }) rejection?: DatasetView['rejection'];
  @ApiPropertyOptional({ enum: ['contribution', 'reference'], description: 'Admins and auditors only.' }) kind?: DatasetView['kind'];
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Admins and auditors only.' }) consumerId?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Admins and auditors only.' }) manifestRoot?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Admins and auditors only.' }) reportBlobRef?: string | null;
}

/** GET /v1/datasets/{id}. */
export class DatasetResponse extends DatasetDto {
  @ApiProperty({ description: POSITION_DESCRIPTION }) position!: number;
}

/** GET /v1/contributors/{id}/datasets. */
export class DatasetListPage {
  @ApiProperty({ description: POSITION_DESCRIPTION }) position!: number;
  @ApiProperty({ type: [DatasetDto], description: 'In upload order.' }) items!: DatasetDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class ReportItem {
  @ApiProperty({ description: 'The document index in the file (0-based).' }) index!: number;
  @ApiProperty() kept!: boolean;
  @ApiPropertyOptional({ description: 'Why it was removed.' }) reason?: string;
  @ApiPropertyOptional() detail?: string;
  @ApiPropertyOptional({ description: 'Why it was removed, in plain words (rule, then the measurement and the limit).' })
  explanation?: string;
  @ApiPropertyOptional({ description: 'The pipeline block whose rule removed it.' }) block?: string;
  @ApiProperty() tokens!: number;
  @ApiPropertyOptional({ description: "Routed pipelines (v2): ISO 639-1 (else 639-3) from lid.176 ('zxx' for code)." }) language?: string;
  @ApiPropertyOptional({ description: 'The score of that language.' }) languageScore?: number;
  @ApiPropertyOptional({ description: 'prose | markdown | code | reference.' }) contentClass?: string;
  @ApiPropertyOptional({ description: 'Archive member path the document comes from.' }) member?: string;
  @ApiPropertyOptional({ type: Object, description: 'Admins and auditors only: what a duplicate duplicates.' })
  duplicateOf?: ReportLine['duplicateOf'];
}

/** GET /v1/datasets/{id}/report. */
export class ReportPage {
  @ApiProperty({ description: POSITION_DESCRIPTION }) position!: number;
  @ApiProperty({ type: [ReportItem] }) items!: ReportItem[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
