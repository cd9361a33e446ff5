import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ROLES, type Role } from '@1tt/access';

export class IssueApiKeyRequest {
  @ApiProperty({ enum: ROLES, description: 'What the key may do.' })
  @IsIn(ROLES as Role[])
  role!: Role;

  @ApiProperty({
    description: 'Who the key acts for: the contributorId, consumerId, auditorId or an admin name.',
    example: 'c0ffee00-1111-4222-8333-444455556666',
  })
  @IsString()
  @Length(1, 128)
  @Matches(/^[A-Za-z0-9._:@-]+$/, { message: 'subjectId may contain only letters, digits and . _ : @ -' })
  subjectId!: string;

  @ApiPropertyOptional({ description: 'A note for humans, e.g. "CI pipeline".', maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  label?: string;
}

export class IssuedApiKeyResponse {
  @ApiProperty() keyId!: string;
  @ApiProperty({ description: 'The key itself. Shown this once; only its SHA-256 is stored.' }) apiKey!: string;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiProperty() subjectId!: string;
  @ApiPropertyOptional() label?: string;
  @ApiProperty({ format: 'date-time' }) issuedAt!: string;
}

export class ApiKeyView {
  @ApiProperty() keyId!: string;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiProperty() subjectId!: string;
  @ApiPropertyOptional() label?: string;
  @ApiProperty() issuedBy!: string;
  @ApiProperty({ format: 'date-time' }) issuedAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) revokedAt?: string;
  @ApiPropertyOptional() revokedBy?: string;
}

export class PrincipalView {
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiProperty() subjectId!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: "The subject's display name (null for the admin and for ids the directory does not know).",
  })
  displayName?: string | null;
  @ApiProperty() keyId!: string;
}
