/**
 * Stop words per language for the "has some function words" rule (Gopher's
 * min_stop_words, FineWeb-2's per-language lists). FineWeb-2 derives its 15
 * words per language from word frequencies (configs/{iso3}_{script}.yml of
 * huggingface/fineweb-2); these are the most frequent function words of each
 * language, written for this project. English is Gopher's list.
 * ja/zh are single characters (those languages are counted by character).
 */
export const STOP_WORDS: Record<string, readonly string[]> = {
  en: ['the', 'be', 'to', 'of', 'and', 'that', 'have', 'with'],
  de: [
    'der',
    'die',
    'und',
    'in',
    'den',
    'von',
    'das',
    'mit',
    'ist',
    'nicht',
    'für',
    'ein',
    'eine',
    'zu',
    'werden',
    'wird',
    'auf',
    'es',
    'sie',
  ],
  fr: ['de', 'la', 'le', 'et', 'les', 'des', 'en', 'un', 'une', 'du', 'est', 'pour', 'que', 'dans', 'pas', 'par', 'sur', 'qui'],
  es: ['de', 'la', 'que', 'el', 'en', 'y', 'los', 'se', 'del', 'las', 'un', 'por', 'con', 'una', 'para', 'es', 'no'],
  it: ['di', 'e', 'il', 'la', 'che', 'in', 'un', 'per', 'è', 'del', 'della', 'non', 'con', 'una', 'le', 'i', 'da', 'si'],
  pt: ['de', 'a', 'o', 'que', 'e', 'do', 'da', 'em', 'um', 'para', 'com', 'não', 'uma', 'os', 'no', 'se', 'na', 'por', 'é'],
  nl: ['de', 'het', 'een', 'en', 'van', 'in', 'is', 'dat', 'op', 'te', 'voor', 'met', 'niet', 'zijn', 'wordt', 'worden', 'als'],
  sv: ['och', 'i', 'att', 'det', 'som', 'en', 'på', 'är', 'av', 'för', 'med', 'till', 'den', 'inte', 'om', 'ett', 'kan'],
  da: ['og', 'i', 'at', 'det', 'en', 'til', 'er', 'som', 'på', 'de', 'med', 'af', 'for', 'ikke', 'den', 'et', 'kan'],
  nb: ['og', 'i', 'det', 'på', 'som', 'er', 'en', 'til', 'av', 'med', 'for', 'ikke', 'den', 'at', 'et'],
  pl: ['w', 'i', 'na', 'z', 'się', 'nie', 'do', 'to', 'że', 'jest', 'o', 'jak', 'co', 'po', 'ze', 'lub', 'przez', 'dla'],
  cs: ['a', 'v', 'se', 'na', 'je', 'že', 'to', 's', 'z', 'do', 'o', 'k', 'i', 'pro', 'jako', 'nebo', 'není', 'by'],
  ro: ['de', 'și', 'în', 'a', 'la', 'cu', 'nu', 'să', 'pe', 'din', 'o', 'un', 'este', 'care', 'pentru', 'sau', 'fi'],
  tr: ['ve', 'bir', 'bu', 'için', 'ile', 'da', 'de', 'olarak', 'ne', 'çok', 'daha', 'gibi', 'veya', 'değil', 'her', 'olan'],
  id: ['yang', 'dan', 'di', 'dengan', 'untuk', 'ini', 'dari', 'dalam', 'tidak', 'akan', 'pada', 'itu', 'atau', 'ke', 'oleh', 'jika'],
  hu: ['a', 'az', 'és', 'hogy', 'nem', 'is', 'egy', 'meg', 'de', 'van', 'csak', 'ha', 'vagy', 'el', 'mint'],
  fi: ['ja', 'on', 'ei', 'se', 'että', 'oli', 'tai', 'kun', 'niin', 'ovat', 'jos', 'mutta', 'joka', 'myös'],
  ru: ['и', 'в', 'не', 'на', 'что', 'с', 'по', 'для', 'как', 'это', 'к', 'или', 'из', 'от', 'если', 'при', 'быть', 'можно'],
  uk: ['і', 'в', 'у', 'не', 'на', 'що', 'з', 'та', 'до', 'для', 'як', 'це', 'або', 'від', 'якщо', 'за', 'при', 'буде'],
  sr: ['и', 'у', 'је', 'да', 'на', 'се', 'за', 'не', 'са', 'од', 'i', 'u', 'je', 'da', 'na', 'se', 'za', 'ne'],
  el: ['και', 'το', 'να', 'του', 'η', 'της', 'με', 'που', 'την', 'σε', 'για', 'από', 'δεν', 'τα', 'οι'],
  ja: ['の', 'に', 'を', 'は', 'た', 'て', 'が', 'と', 'で', 'し', 'る', 'す', 'れ', 'な', 'ま'],
  zh: ['的', '是', '在', '不', '了', '有', '和', '这', '个', '中', '为', '以', '到', '要', '可', '用'],
  ko: ['이', '는', '을', '를', '의', '에', '가', '은', '하는', '있습니다', '수', '및', '있는', '합니다', '그', '것'],
  vi: ['và', 'của', 'là', 'các', 'có', 'được', 'trong', 'cho', 'một', 'không', 'với', 'này', 'để', 'những'],
};
