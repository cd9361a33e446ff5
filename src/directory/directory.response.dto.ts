import { ApiProperty } from '@nestjs/swagger';

export class DirectoryEntryResponse {
  @ApiProperty({ example: '6f1c2a3e-0b5d-4d0e-9a57-0c2b7f4e9d11' }) id!: string;
  @ApiProperty({ example: 'Ada Lovelace' }) displayName!: string;
  @ApiProperty({ example: '2026-11-02T09:30:00.000Z' }) registeredAt!: string;
}

export class DirectoryPageResponse {
  @ApiProperty({ description: 'The log position the page was read at.' }) position!: number;
  @ApiProperty({ type: [DirectoryEntryResponse], description: 'Ordered by display name (case-insensitive), then id.' })
  items!: DirectoryEntryResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last.' })
  nextCursor!: string | null;
}

export class PartyResponse extends DirectoryEntryResponse {
  @ApiProperty({ enum: ['contributor', 'consumer', 'auditor'] }) role!: string;
  @ApiProperty({ description: 'The log position the party was read at.' }) position!: number;
}
