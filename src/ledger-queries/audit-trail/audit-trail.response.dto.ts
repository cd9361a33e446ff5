import { ApiProperty } from '@nestjs/swagger';
import { POSITION_DESCRIPTION } from '../../http/point-in-time.params';
import { NAME_NOTE } from '../../directory/display-name.api';

export class AuditTrailItemDto {
  @ApiProperty() position!: number;
  @ApiProperty() type!: string;
  @ApiProperty({ description: 'recordedAt of the event.' }) time!: string;
  @ApiProperty() streamName!: string;
  @ApiProperty() revision!: number;
  @ApiProperty() eventId!: string;
  @ApiProperty({ description: "The event data; for a payout run only this contributor's allocation (dataComplete false)." }) data!: unknown;
  @ApiProperty() dataComplete!: boolean;
  @ApiProperty({ description: 'SHA-256 hash of the whole event (check it in /v1/audit/events or an export).' }) hash!: string;
  @ApiProperty() prevHash!: string;
}

export class AuditTrailPage {
  @ApiProperty() contributorId!: string;
  @ApiProperty({ nullable: true, type: String, description: NAME_NOTE }) contributorDisplayName?: string | null;
  @ApiProperty({ description: POSITION_DESCRIPTION }) position!: number;
  @ApiProperty({ type: [AuditTrailItemDto], description: 'In log order.' }) items!: AuditTrailItemDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
