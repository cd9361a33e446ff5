import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

export class RegisterPartyRequest {
  @ApiProperty({ description: 'A name for humans (1-200 printable characters).', example: 'Alice Writes' })
  @IsString()
  @Length(1, 200)
  @Matches(/^(?=.*\S)\P{Cc}+$/u, { message: 'displayName must be printable and not blank' })
  displayName!: string;
}

export class ContributorRegisteredResponse {
  @ApiProperty() contributorId!: string;
  @ApiProperty({ description: "The contributor's API key. Shown this once; only its hash is stored." }) apiKey!: string;
}
export class ConsumerRegisteredResponse {
  @ApiProperty() consumerId!: string;
  @ApiProperty({ description: "The consumer's API key. Shown this once." }) apiKey!: string;
}
export class AuditorRegisteredResponse {
  @ApiProperty() auditorId!: string;
  @ApiProperty({ description: "The auditor's API key. Shown this once." }) apiKey!: string;
}
