import { ApiProperty } from '@nestjs/swagger';
import { POSITION_DESCRIPTION } from '../../http/point-in-time.params';

export class DataRequestView {
  @ApiProperty() requestId!: string;
  @ApiProperty() consumerId!: string;
  @ApiProperty() title!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: [String], description: 'Empty = any language.' }) languages!: string[];
  @ApiProperty({ type: [String], description: 'Empty = any class.' }) contentClasses!: string[];
  @ApiProperty({ type: [String], description: 'Lower-cased; a document matches with one of them as a whole word.' }) keywords!: string[];
  @ApiProperty({ nullable: true, type: String }) sampleText!: string | null;
  @ApiProperty({ description: 'Tokens wanted (digit string).' }) tokenTarget!: string;
  @ApiProperty({ description: 'Tokens credited so far (digit string).' }) creditedTokens!: string;
  @ApiProperty({ description: 'tokenTarget − creditedTokens (digit string).' }) remainingTokens!: string;
  @ApiProperty({ description: 'Datasets that were credited.' }) creditedDatasets!: number;
  @ApiProperty({ description: "What a credited token counts in the consumer's runs until weightUntil: 1 < w ≤ 10, a decimal string." })
  weight!: string;
  @ApiProperty() opensAt!: string;
  @ApiProperty() closesAt!: string;
  @ApiProperty() weightUntil!: string;
  @ApiProperty() openedAt!: string;
  @ApiProperty({ nullable: true, type: String, description: 'When it was closed early (DELETE); null otherwise.' }) closedAt!:
    string | null;
  @ApiProperty({
    enum: ['scheduled', 'open', 'filled', 'closed'],
    description:
      'At the time asked (asOf, else now): scheduled before opensAt; open while uploads are credited; filled when creditedTokens reached tokenTarget; closed after closesAt or DELETE.',
  })
  status!: 'scheduled' | 'open' | 'filled' | 'closed';
}

export class DataRequestResponse extends DataRequestView {
  @ApiProperty({ description: POSITION_DESCRIPTION }) position!: number;
}

export class DataRequestPage {
  @ApiProperty({ description: POSITION_DESCRIPTION }) position!: number;
  @ApiProperty({ type: [DataRequestView] }) items!: DataRequestView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
