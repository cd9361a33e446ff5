/** OpenAPI text of the display-name fields beside party ids (src/directory/party-names.interceptor.ts puts them there). */
export const NAME_NOTE =
  "The party's display name. null when the directory does not know the id, or when the caller may not see it: a contributor's name is shown to admin, auditor and that contributor only.";
