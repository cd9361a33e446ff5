import { ApiProperty } from '@nestjs/swagger';

export class DirectoryEntryResponse {
  @ApiProperty({ example: '6f1c2a3e-0b5d-4d0e-9a57-0c2b7f4e9d11' }) id!: string;
  @ApiProperty({ example: 'Ada Lovelace', description: '"erased" once the contributor\'s personal data is erased.' }) displayName!: string;
  @ApiProperty({ example: '2026-11-02T09:30:00.000Z' }) registeredAt!: string;
  @ApiProperty({ required: false, description: 'true: the personal data was erased (POST /v1/contributors/{id}/erasure).' })
  erased?: boolean;
}

export class DirectoryPageResponse {
  @ApiProperty({ description: 'The log position the page was read at.' }) position!: number;
  @ApiProperty({
    type: [DirectoryEntryResponse],
    description:
      'Consumers and auditors (and contributors registered before names were sealed): by display name (case-insensitive), then id. Contributors whose names are sealed (so that erasure erases them) after those, in registration order: a sealed name cannot be ordered without opening it.',
  })
  items!: DirectoryEntryResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last.' })
  nextCursor!: string | null;
}

export class PartyResponse extends DirectoryEntryResponse {
  @ApiProperty({ enum: ['contributor', 'consumer', 'auditor'] }) role!: string;
  @ApiProperty({ description: 'The log position the party was read at.' }) position!: number;
}
