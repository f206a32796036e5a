/**
 * Sample advisories and good practices for the demo's public portal, each marked as a sample in
 * its own words: like the demo States, they describe no real authority. Some are translated, some
 * not, so that the demo shows a text offered in another language.
 */
interface SampleText {
  title: string;
  summary?: string;
  body: string;
}

export interface SampleAdvisory {
  audience: string;
  threat: string;
  /** The original language first. */
  texts: Record<string, Required<SampleText>>;
}

export interface SamplePractice {
  facts: { country: string; theme: string; audience: string; kind: string; link?: string };
  texts: Record<string, SampleText>;
}

export const SAMPLE_ADVISORIES: readonly SampleAdvisory[] = [
  {
    audience: 'older',
    threat: 'phishing',
    texts: {
      en: {
        title: 'Sample: fake parcel messages ask for a fee',
        summary: 'Text messages say a parcel is waiting and ask for a small fee. The link steals card details. (Sample advisory.)',
        body: 'A text message says that a parcel is held until you pay a small fee.\n\nDo not click the link. Delivery firms never ask for a fee by text message. If you gave your card details, call your bank now.',
      },
      fr: {
        title: 'Exemple : de faux SMS de colis demandent des frais',
        summary: 'Des SMS annoncent un colis en attente et demandent de petits frais. Le lien vole les données de carte. (Alerte d’exemple.)',
        body: 'Un SMS dit qu’un colis est bloqué jusqu’au paiement de petits frais.\n\nNe cliquez pas sur le lien. Les transporteurs ne demandent jamais de frais par SMS. Si vous avez donné votre carte, appelez votre banque.',
      },
      es: {
        title: 'Ejemplo: falsos SMS de paquetes piden una tasa',
        summary: 'Mensajes de texto anuncian un paquete retenido y piden una pequeña tasa. El enlace roba los datos de la tarjeta. (Alerta de ejemplo.)',
        body: 'Un SMS dice que un paquete está retenido hasta que pague una pequeña tasa.\n\nNo pulse el enlace. Las empresas de reparto nunca piden tasas por SMS. Si dio los datos de su tarjeta, llame a su banco.',
      },
      ar: {
        title: 'مثال: رسائل طرود مزيفة تطلب رسومًا',
        summary: 'رسائل نصية تزعم أن طردًا محتجز وتطلب رسومًا صغيرة. الرابط يسرق بيانات البطاقة. (تنبيه على سبيل المثال.)',
        body: 'تقول رسالة نصية إن طردًا محتجز حتى تدفع رسومًا صغيرة.\n\nلا تنقر على الرابط. شركات التوصيل لا تطلب رسومًا برسالة نصية. إذا أعطيت بيانات بطاقتك، فاتصل بمصرفك فورًا.',
      },
    },
  },
  {
    audience: 'public',
    threat: 'crypto-scam',
    texts: {
      fr: {
        title: 'Exemple : faux placements en cryptomonnaie vantés par des célébrités',
        summary: 'Des publicités montrent des célébrités qui promettent des gains rapides. Ce sont des montages. (Alerte d’exemple.)',
        body: 'Des publicités sur les réseaux sociaux utilisent l’image de personnes connues pour vanter un placement en cryptomonnaie.\n\nAucun placement sérieux ne garantit des gains. Ne versez rien, et signalez la publicité.',
      },
    },
  },
];

export const SAMPLE_PRACTICES: readonly SamplePractice[] = [
  {
    facts: { country: 'XA', theme: 'accounts', audience: 'public', kind: 'practice' },
    texts: {
      en: { title: 'Sample: strong passwords and two-step verification', body: 'Use a different passphrase for each account, starting with your e-mail.\n\nTurn on two-step verification wherever it is offered. (Sample entry.)' },
      fr: { title: 'Exemple : mots de passe robustes et validation en deux étapes', body: 'Utilisez une phrase de passe différente pour chaque compte, à commencer par votre messagerie.\n\nActivez la validation en deux étapes partout où elle est proposée. (Fiche d’exemple.)' },
      ru: { title: 'Пример: надёжные пароли и двухэтапная проверка', body: 'Используйте отдельную парольную фразу для каждой учётной записи, начиная с почты.\n\nВключайте двухэтапную проверку везде, где она есть. (Пример.)' },
    },
  },
  {
    facts: { country: 'XB', theme: 'scams', audience: 'young', kind: 'training' },
    texts: {
      ar: { title: 'مثال: درس عن الاحتيال في الألعاب على الإنترنت', body: 'مادة تدريبية للمدارس: كيف يسرق المحتالون حسابات الألعاب بعروض مجانية مزيفة، وكيف نحمي أنفسنا. (مادة على سبيل المثال.)' },
    },
  },
  {
    facts: { country: 'XB', theme: 'cooperation', audience: 'professionals', kind: 'template' },
    texts: {
      zh: { title: '示例：数据保全请求范本', body: '请求服务提供者在正式命令送达之前保全数据的范本。（示例条目。）' },
      en: { title: 'Sample: template of a data preservation request', body: 'A model request asking a service provider to preserve data until the formal order arrives. (Sample entry.)' },
    },
  },
];
