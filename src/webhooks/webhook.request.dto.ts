import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';

const TYPE_PATTERN = /^[A-Z][A-Za-z0-9]{0,99}$/;

export class RegisterWebhookRequest {
  @ApiProperty({
    description:
      'Where events are POSTed. https (http only to loopback, or with WEBHOOK_ALLOW_HTTP); private, loopback and link-local addresses are refused unless WEBHOOK_ALLOW_PRIVATE=true. Redirects are not followed.',
    example: 'https://hooks.example.com/1tt',
  })
  @IsString()
  @Length(8, 2048)
  @Matches(/^[\x21-\x7e]+$/, { message: 'url must be printable ASCII without spaces (percent-encode the rest, punycode for host names)' })
  url!: string;

  @ApiProperty({ description: 'Log event types to receive, e.g. ["PayoutRunCompleted", "DatasetAccepted"].', type: [String] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(TYPE_PATTERN, { each: true, message: 'each of eventTypes must be an event type name such as DatasetAccepted' })
  eventTypes!: string[];

  @ApiPropertyOptional({ maxLength: 200 })
  // Absent is fine; null is not a description (IsOptional would let it through as "no description").
  @ValidateIf((_request: unknown, value: unknown) => value !== undefined)
  @IsString()
  @Length(1, 200)
  @Matches(/^[^\p{Cc}]*$/u, { message: 'description may not contain control characters' })
  description?: string;
}

export class UpdateWebhookRequest {
  @ApiPropertyOptional({ description: 'false pauses delivery (pending deliveries wait; no new ones are created while disabled).' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(TYPE_PATTERN, { each: true, message: 'each of eventTypes must be an event type name such as DatasetAccepted' })
  eventTypes?: string[];

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(/^[^\p{Cc}]*$/u, { message: 'description may not contain control characters' })
  description?: string;
}
