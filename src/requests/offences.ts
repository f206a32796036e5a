/**
 * The offences an investigator chooses from when opening a case, and that a draft request is
 * checked against for dual criminality. Requests come back when two States define an offence
 * differently (MISSION.md; 13(a), 29), so each offence points to the treaty articles both States
 * may have implemented. Dual criminality turns on the conduct, not on its name (Budapest art.
 * 25(5)): descriptions therefore describe conduct. Where no treaty article exists the list is
 * empty and the check falls back on the two national laws.
 */
import type { Locale } from '../platform/i18n/locales.ts';

/**
 * Only the articles that define offences. Budapest arts 2–10 (ETS No. 185); UN Convention against
 * Cybercrime arts 7–17 (General Assembly resolution 79/243, 2024).
 */
export const TREATIES = {
  budapest: { citation: 'Council of Europe Convention on Cybercrime (ETS No. 185)', firstArticle: 2, lastArticle: 10 },
  unCybercrime: { citation: 'United Nations Convention against Cybercrime (A/RES/79/243)', firstArticle: 7, lastArticle: 17 },
} as const;
export type Treaty = keyof typeof TREATIES;
export type TreatyArticles = Readonly<Record<Treaty, readonly number[]>>;

/** Cyber-dependent offences cannot exist without a computer system; cyber-enabled ones are older crimes that ICT makes larger or easier. */
export const OFFENCE_GROUPS = ['cyber-dependent', 'cyber-enabled'] as const;
export type OffenceGroup = (typeof OFFENCE_GROUPS)[number];

export const OFFENCE_IDS = [
  'illegal-access',
  'illegal-interception',
  'data-interference',
  'system-interference',
  'misuse-of-devices',
  'ransomware-extortion',
  'ddos-attack',
  'botnet-operation',
  'malware-distribution',
  'computer-related-forgery',
  'computer-related-fraud',
  'phishing',
  'online-investment-fraud',
  'business-email-compromise',
  'romance-scam',
  'identity-theft',
  'child-sexual-abuse-material',
  'online-grooming',
  'sextortion',
  'non-consensual-intimate-images',
  'cyberstalking',
  'terrorist-content',
  'incitement-to-violence',
  'cybercrime-proceeds-laundering',
  'commercial-copyright-infringement',
  'darknet-market-trafficking',
] as const;
export type OffenceId = (typeof OFFENCE_IDS)[number];

export interface Offence {
  readonly id: OffenceId;
  readonly group: OffenceGroup;
  readonly articles: TreatyArticles;
  readonly label: Readonly<Record<Locale, string>>;
  /** One sentence, in plain words, for a reader who does not know the other State's law. */
  readonly description: Readonly<Record<Locale, string>>;
}

/*
 * Compound conduct (ransomware, botnets, phishing…) lists every article under which it is usually
 * prosecuted, so that a match on any of them can support dual criminality; the Cybercrime
 * Convention Committee's guidance notes make the same mapping for conduct the Convention does not name.
 */
const DEFINITIONS: Record<OffenceId, Omit<Offence, 'id'>> = {
  'illegal-access': {
    group: 'cyber-dependent',
    articles: { budapest: [2], unCybercrime: [7] },
    label: {
      ar: 'الدخول غير المشروع',
      zh: '非法访问',
      en: 'Illegal access',
      fr: 'Accès illégal',
      ru: 'Незаконный доступ',
      es: 'Acceso ilícito',
    },
    description: {
      ar: 'الدخول دون وجه حق إلى نظام حاسوبي كله أو أي جزء منه، كاختراق حساب أو خادم.',
      zh: '未经授权访问计算机系统的全部或任何部分，例如侵入他人账户或服务器。',
      en: 'Accessing the whole or any part of a computer system without right, for example by breaking into an account or a server.',
      fr: "Accéder sans droit à tout ou partie d'un système informatique, par exemple en s'introduisant dans un compte ou un serveur.",
      ru: 'Неправомерный доступ ко всей компьютерной системе или к любой её части, например взлом учётной записи или сервера.',
      es: 'Acceder sin derecho a todo o parte de un sistema informático, por ejemplo entrando en una cuenta o un servidor ajenos.',
    },
  },
  'illegal-interception': {
    group: 'cyber-dependent',
    articles: { budapest: [3], unCybercrime: [8] },
    label: {
      ar: 'الاعتراض غير المشروع',
      zh: '非法截获',
      en: 'Illegal interception',
      fr: 'Interception illégale',
      ru: 'Незаконный перехват',
      es: 'Interceptación ilícita',
    },
    description: {
      ar: 'اعتراض عمليات إرسال غير علنية لبيانات حاسوبية إلى نظام حاسوبي أو منه أو داخله، دون وجه حق وبوسائل تقنية.',
      zh: '未经授权以技术手段截获向计算机系统、从计算机系统或在计算机系统内部进行的非公开计算机数据传输。',
      en: 'Intercepting without right, by technical means, non-public transmissions of computer data to, from or within a computer system.',
      fr: "Intercepter sans droit, par des moyens techniques, des transmissions non publiques de données informatiques à destination, en provenance ou à l'intérieur d'un système informatique.",
      ru: 'Неправомерный перехват с помощью технических средств непубличных передач компьютерных данных в компьютерную систему, из неё или внутри неё.',
      es: 'Interceptar sin derecho, por medios técnicos, transmisiones no públicas de datos informáticos dirigidas a un sistema informático, originadas en él o efectuadas dentro del mismo.',
    },
  },
  'data-interference': {
    group: 'cyber-dependent',
    articles: { budapest: [4], unCybercrime: [9] },
    label: {
      ar: 'التدخل في البيانات',
      zh: '干扰数据',
      en: 'Data interference',
      fr: "Atteinte à l'intégrité des données",
      ru: 'Воздействие на компьютерные данные',
      es: 'Ataque a la integridad de los datos',
    },
    description: {
      ar: 'إتلاف بيانات حاسوبية أو حذفها أو إفسادها أو تعديلها أو طمسها دون وجه حق.',
      zh: '未经授权损坏、删除、破坏、修改或屏蔽计算机数据。',
      en: 'Damaging, deleting, deteriorating, altering or suppressing computer data without right.',
      fr: 'Endommager, effacer, détériorer, altérer ou supprimer sans droit des données informatiques.',
      ru: 'Неправомерное повреждение, удаление, ухудшение, изменение или блокирование компьютерных данных.',
      es: 'Dañar, borrar, deteriorar, alterar o suprimir datos informáticos sin derecho.',
    },
  },
  'system-interference': {
    group: 'cyber-dependent',
    articles: { budapest: [5], unCybercrime: [10] },
    label: {
      ar: 'التدخل في النظام',
      zh: '干扰系统',
      en: 'System interference',
      fr: "Atteinte à l'intégrité du système",
      ru: 'Воздействие на функционирование системы',
      es: 'Ataque a la integridad del sistema',
    },
    description: {
      ar: 'إعاقة عمل نظام حاسوبي إعاقة خطيرة دون وجه حق، عن طريق إدخال بيانات أو إرسالها أو إتلافها أو حذفها أو تعديلها أو طمسها.',
      zh: '未经授权通过输入、传输、损坏、删除、修改或屏蔽数据，严重妨碍计算机系统的运行。',
      en: 'Seriously hindering without right the functioning of a computer system by inputting, transmitting, damaging, deleting, altering or suppressing data.',
      fr: "Entraver gravement et sans droit le fonctionnement d'un système informatique par l'introduction, la transmission, l'endommagement, l'effacement, l'altération ou la suppression de données.",
      ru: 'Неправомерное создание серьёзных помех функционированию компьютерной системы путём ввода, передачи, повреждения, удаления, изменения или блокирования данных.',
      es: 'Obstaculizar gravemente y sin derecho el funcionamiento de un sistema informático mediante la introducción, transmisión, daño, borrado, alteración o supresión de datos.',
    },
  },
  'misuse-of-devices': {
    group: 'cyber-dependent',
    articles: { budapest: [6], unCybercrime: [11] },
    label: {
      ar: 'إساءة استخدام الأجهزة',
      zh: '滥用设备',
      en: 'Misuse of devices',
      fr: 'Abus de dispositifs',
      ru: 'Неправомерное использование устройств',
      es: 'Abuso de los dispositivos',
    },
    description: {
      ar: 'إنتاج أو بيع أو شراء أو توزيع أو حيازة أجهزة أو برامج أو كلمات مرور أو رموز دخول مصممة أو مكيّفة لارتكاب جرائم ضد النظم أو البيانات الحاسوبية.',
      zh: '生产、销售、获取、分发或持有为实施针对计算机系统或数据的犯罪而设计或改装的设备、程序、密码或访问代码。',
      en: 'Producing, selling, procuring, distributing or possessing devices, programs, passwords or access codes designed or adapted to commit offences against computer systems or data.',
      fr: "Produire, vendre, se procurer, diffuser ou détenir des dispositifs, programmes, mots de passe ou codes d'accès conçus ou adaptés pour commettre des infractions contre des systèmes ou des données informatiques.",
      ru: 'Производство, продажа, приобретение, распространение или хранение устройств, программ, паролей или кодов доступа, созданных или приспособленных для совершения преступлений против компьютерных систем или данных.',
      es: 'Producir, vender, obtener, difundir o poseer dispositivos, programas, contraseñas o códigos de acceso concebidos o adaptados para cometer delitos contra sistemas o datos informáticos.',
    },
  },
  'ransomware-extortion': {
    group: 'cyber-dependent',
    articles: { budapest: [2, 4, 5], unCybercrime: [7, 9, 10] },
    label: {
      ar: 'الابتزاز ببرمجيات الفدية',
      zh: '勒索软件敲诈',
      en: 'Ransomware extortion',
      fr: 'Extorsion par rançongiciel',
      ru: 'Вымогательство с помощью программ-вымогателей',
      es: 'Extorsión mediante programas de secuestro de datos (ransomware)',
    },
    description: {
      ar: 'تشفير بيانات الضحية أو سرقتها والمطالبة بفدية، غالباً بالأصول المشفرة، مقابل استعادتها أو عدم نشرها.',
      zh: '加密或窃取受害者的数据，并索要赎金（通常以加密资产支付）以恢复数据或不予公开。',
      en: "Encrypting or stealing a victim's data and demanding a ransom, often in crypto-assets, to restore it or not to publish it.",
      fr: "Chiffrer ou voler les données d'une victime et exiger une rançon, souvent en crypto-actifs, pour les restituer ou ne pas les publier.",
      ru: 'Шифрование или хищение данных жертвы с требованием выкупа, часто в криптоактивах, за их восстановление или неразглашение.',
      es: 'Cifrar o robar los datos de una víctima y exigir un rescate, a menudo en criptoactivos, para restituirlos o no publicarlos.',
    },
  },
  'ddos-attack': {
    group: 'cyber-dependent',
    articles: { budapest: [5], unCybercrime: [10] },
    label: {
      ar: 'هجوم الحرمان من الخدمة الموزع (DDoS)',
      zh: '分布式拒绝服务（DDoS）攻击',
      en: 'Distributed denial-of-service (DDoS) attack',
      fr: 'Attaque par déni de service distribué (DDoS)',
      ru: 'Распределённая атака типа «отказ в обслуживании» (DDoS)',
      es: 'Ataque de denegación de servicio distribuida (DDoS)',
    },
    description: {
      ar: 'إغراق نظام أو خدمة بحركة بيانات صادرة من مصادر عديدة لمنع المستخدمين الشرعيين من الوصول إليها.',
      zh: '利用来自大量来源的流量淹没系统或服务，使合法用户无法访问。',
      en: 'Flooding a system or service with traffic from many sources so that legitimate users cannot reach it.',
      fr: 'Submerger un système ou un service de trafic provenant de nombreuses sources afin que ses utilisateurs légitimes ne puissent plus y accéder.',
      ru: 'Перегрузка системы или сервиса трафиком из множества источников, чтобы законные пользователи не могли получить к ним доступ.',
      es: 'Saturar un sistema o servicio con tráfico procedente de numerosas fuentes para que sus usuarios legítimos no puedan acceder a él.',
    },
  },
  'botnet-operation': {
    group: 'cyber-dependent',
    articles: { budapest: [2, 4, 5, 6], unCybercrime: [7, 9, 10, 11] },
    label: {
      ar: 'تشغيل شبكات الروبوتات (البوت نت)',
      zh: '操控僵尸网络',
      en: 'Botnet operation',
      fr: "Exploitation d'un réseau de zombies (botnet)",
      ru: 'Управление ботнетом',
      es: 'Operación de redes de bots (botnets)',
    },
    description: {
      ar: 'السيطرة خفيةً على عدد كبير من الحواسيب أو الأجهزة المصابة واستخدامها معاً لشن هجمات أخرى أو ارتكاب جرائم أخرى.',
      zh: '秘密控制大量受感染的计算机或设备，并利用它们共同实施进一步的攻击或犯罪。',
      en: 'Taking covert control of many infected computers or devices and using them together to commit further attacks or offences.',
      fr: "Prendre secrètement le contrôle de nombreux ordinateurs ou appareils infectés et les utiliser ensemble pour commettre d'autres attaques ou infractions.",
      ru: 'Скрытый захват контроля над множеством заражённых компьютеров или устройств и их совместное использование для совершения других атак или преступлений.',
      es: 'Tomar el control encubierto de numerosos ordenadores o dispositivos infectados y utilizarlos conjuntamente para cometer otros ataques o delitos.',
    },
  },
  'malware-distribution': {
    group: 'cyber-dependent',
    articles: { budapest: [4, 6], unCybercrime: [9, 11] },
    label: {
      ar: 'إنشاء البرمجيات الخبيثة وتوزيعها',
      zh: '制作和传播恶意软件',
      en: 'Malware creation and distribution',
      fr: 'Création et diffusion de logiciels malveillants',
      ru: 'Создание и распространение вредоносных программ',
      es: 'Creación y distribución de programas maliciosos',
    },
    description: {
      ar: 'كتابة برمجيات خبيثة أو بيعها أو نشرها، مثل الفيروسات وأحصنة طروادة وبرامج التجسس وبرامج سرقة المعلومات، لإصابة نظم الآخرين.',
      zh: '编写、出售或传播病毒、木马、间谍软件或信息窃取程序等恶意软件，以感染他人的系统。',
      en: "Writing, selling or spreading malicious software, such as viruses, trojans, spyware or information stealers, to infect other people's systems.",
      fr: "Écrire, vendre ou propager des logiciels malveillants, tels que virus, chevaux de Troie, logiciels espions ou voleurs d'informations, pour infecter les systèmes d'autrui.",
      ru: 'Написание, продажа или распространение вредоносного программного обеспечения, например вирусов, троянов, шпионских программ или похитителей данных, для заражения чужих систем.',
      es: 'Escribir, vender o propagar programas maliciosos, como virus, troyanos, programas espía o ladrones de información, para infectar sistemas ajenos.',
    },
  },
  'computer-related-forgery': {
    group: 'cyber-enabled',
    articles: { budapest: [7], unCybercrime: [12] },
    label: {
      ar: 'التزوير المتصل بالحاسوب',
      zh: '与计算机有关的伪造',
      en: 'Computer-related forgery',
      fr: 'Falsification informatique',
      ru: 'Подлог с использованием компьютерных технологий',
      es: 'Falsificación informática',
    },
    description: {
      ar: 'إدخال بيانات حاسوبية أو تعديلها أو حذفها أو طمسها بحيث تُعامل بيانات غير أصلية على أنها أصلية لأغراض قانونية.',
      zh: '输入、修改、删除或屏蔽计算机数据，使不真实的数据在法律上被视为真实数据。',
      en: 'Inputting, altering, deleting or suppressing computer data so that inauthentic data are treated as authentic for legal purposes.',
      fr: 'Introduire, altérer, effacer ou supprimer des données informatiques afin que des données non authentiques soient considérées comme authentiques à des fins légales.',
      ru: 'Ввод, изменение, удаление или блокирование компьютерных данных, в результате которых недостоверные данные рассматриваются как подлинные в юридических целях.',
      es: 'Introducir, alterar, borrar o suprimir datos informáticos para que datos no auténticos se consideren auténticos a efectos legales.',
    },
  },
  'computer-related-fraud': {
    group: 'cyber-enabled',
    articles: { budapest: [8], unCybercrime: [13] },
    label: {
      ar: 'الاحتيال أو السرقة المتصلان بالحاسوب',
      zh: '与计算机有关的诈骗或盗窃',
      en: 'Computer-related fraud or theft',
      fr: 'Fraude ou vol informatique',
      ru: 'Компьютерное мошенничество или хищение',
      es: 'Fraude o hurto informático',
    },
    description: {
      ar: 'إلحاق خسارة في الممتلكات بشخص آخر عن طريق التلاعب ببيانات حاسوبية أو التدخل في نظام حاسوبي، بقصد الحصول على منفعة اقتصادية.',
      zh: '通过操纵计算机数据或干扰计算机系统，意图获取经济利益，致使他人遭受财产损失。',
      en: 'Causing another person a loss of property by manipulating computer data or interfering with a computer system, with intent to obtain an economic benefit.',
      fr: "Causer à autrui un préjudice patrimonial en manipulant des données informatiques ou en portant atteinte au fonctionnement d'un système informatique, dans l'intention d'obtenir un avantage économique.",
      ru: 'Причинение имущественного ущерба другому лицу путём манипулирования компьютерными данными или вмешательства в работу компьютерной системы с целью извлечения экономической выгоды.',
      es: 'Causar a otra persona un perjuicio patrimonial manipulando datos informáticos o interfiriendo en un sistema informático, con la intención de obtener un beneficio económico.',
    },
  },
  phishing: {
    group: 'cyber-enabled',
    articles: { budapest: [7, 8], unCybercrime: [12, 13] },
    label: {
      ar: 'التصيد الاحتيالي',
      zh: '网络钓鱼',
      en: 'Phishing',
      fr: 'Hameçonnage',
      ru: 'Фишинг',
      es: 'Phishing (captación fraudulenta de datos)',
    },
    description: {
      ar: 'إرسال رسائل أو إنشاء مواقع شبكية تنتحل صفة جهة موثوقة للحصول على كلمات مرور أو بيانات بطاقات أو بيانات شخصية أخرى.',
      zh: '发送冒充可信机构的信息或建立此类网站，以骗取密码、银行卡信息或其他个人数据。',
      en: 'Sending messages or building websites that impersonate a trusted organisation in order to obtain passwords, card details or other personal data.',
      fr: "Envoyer des messages ou créer des sites web qui usurpent l'identité d'une organisation de confiance afin d'obtenir des mots de passe, des données de carte bancaire ou d'autres données personnelles.",
      ru: 'Рассылка сообщений или создание веб-сайтов от имени заслуживающей доверия организации с целью получения паролей, данных банковских карт или иных персональных данных.',
      es: 'Enviar mensajes o crear sitios web que se hacen pasar por una organización de confianza para obtener contraseñas, datos de tarjetas u otros datos personales.',
    },
  },
  'online-investment-fraud': {
    group: 'cyber-enabled',
    articles: { budapest: [8], unCybercrime: [13] },
    label: {
      ar: 'الاحتيال في الاستثمار عبر الإنترنت',
      zh: '网络投资诈骗',
      en: 'Online investment fraud',
      fr: "Escroquerie à l'investissement en ligne",
      ru: 'Инвестиционное мошенничество в интернете',
      es: 'Fraude de inversión en línea',
    },
    description: {
      ar: 'استدراج الضحايا عبر المواقع الشبكية أو وسائل التواصل الاجتماعي أو تطبيقات المراسلة إلى استثمارات وهمية، غالباً في الأصول المشفرة أو منصات التداول، والاستيلاء على أموالهم.',
      zh: '通过网站、社交媒体或即时通讯诱骗受害者进行虚假投资（通常涉及加密资产或交易平台），并侵吞其资金。',
      en: 'Luring victims through websites, social media or messaging into fake investments, often in crypto-assets or on trading platforms, and keeping their money.',
      fr: 'Attirer des victimes par des sites web, les réseaux sociaux ou des messageries vers de faux investissements, souvent en crypto-actifs ou sur des plateformes de trading, et conserver leur argent.',
      ru: 'Вовлечение жертв через веб-сайты, социальные сети или мессенджеры в фиктивные инвестиции, часто в криптоактивы или на торговых платформах, с присвоением их денег.',
      es: 'Atraer a las víctimas mediante sitios web, redes sociales o mensajería hacia inversiones falsas, a menudo en criptoactivos o plataformas de negociación, y quedarse con su dinero.',
    },
  },
  'business-email-compromise': {
    group: 'cyber-enabled',
    articles: { budapest: [7, 8], unCybercrime: [12, 13] },
    label: {
      ar: 'اختراق البريد الإلكتروني للأعمال',
      zh: '商业电子邮件诈骗',
      en: 'Business e-mail compromise',
      fr: 'Compromission de messagerie professionnelle',
      ru: 'Компрометация деловой электронной почты',
      es: 'Compromiso del correo electrónico empresarial',
    },
    description: {
      ar: 'انتحال صفة مسؤول تنفيذي أو مورد أو شريك عبر البريد الإلكتروني، غالباً من حساب مخترق أو مقلَّد، لدفع مؤسسة إلى تحويل أموال إلى حساب الجاني.',
      zh: '通过电子邮件冒充高管、供应商或合作伙伴（通常使用被盗用或仿冒的账户），诱使机构向犯罪者的账户付款。',
      en: "Impersonating an executive, supplier or partner by e-mail, often from a hijacked or look-alike account, to have an organisation pay money into the offender's account.",
      fr: "Se faire passer par courriel pour un dirigeant, un fournisseur ou un partenaire, souvent depuis un compte piraté ou imité, pour qu'une organisation verse de l'argent sur le compte de l'auteur.",
      ru: 'Выдача себя по электронной почте за руководителя, поставщика или партнёра, часто со взломанной или поддельной учётной записи, чтобы организация перевела деньги на счёт преступника.',
      es: 'Suplantar por correo electrónico a un directivo, proveedor o socio, a menudo desde una cuenta pirateada o imitada, para que una organización transfiera dinero a la cuenta del autor.',
    },
  },
  'romance-scam': {
    group: 'cyber-enabled',
    articles: { budapest: [8], unCybercrime: [13] },
    label: {
      ar: 'الاحتيال العاطفي',
      zh: '网络恋爱诈骗',
      en: 'Romance scam',
      fr: 'Escroquerie sentimentale',
      ru: 'Мошенничество на почве романтических отношений',
      es: 'Estafa romántica',
    },
    description: {
      ar: 'إقامة علاقة عاطفية زائفة عبر الإنترنت لكسب ثقة الضحية ثم إقناعها بإرسال أموال.',
      zh: '在网上建立虚假的恋爱关系以骗取受害者信任，继而诱使其汇款。',
      en: "Building a false romantic relationship online to gain a victim's trust and then persuading them to send money.",
      fr: "Nouer en ligne une fausse relation amoureuse pour gagner la confiance d'une victime, puis la convaincre d'envoyer de l'argent.",
      ru: 'Создание в интернете ложных романтических отношений, чтобы завоевать доверие жертвы и затем убедить её перевести деньги.',
      es: 'Entablar en línea una falsa relación sentimental para ganarse la confianza de la víctima y luego convencerla de que envíe dinero.',
    },
  },
  'identity-theft': {
    group: 'cyber-enabled',
    articles: { budapest: [7, 8], unCybercrime: [12, 13] },
    label: {
      ar: 'سرقة الهوية',
      zh: '身份盗用',
      en: 'Identity theft',
      fr: "Usurpation d'identité",
      ru: 'Кража личных данных',
      es: 'Usurpación de identidad',
    },
    description: {
      ar: 'الحصول على بيانات هوية شخص آخر، مثل وثائق الهوية أو بيانات الاعتماد أو تفاصيل الحسابات، واستخدامها لارتكاب احتيال أو جرائم أخرى باسمه.',
      zh: '获取并使用他人的身份数据（如身份证件、登录凭据或账户信息），以其名义实施诈骗或其他犯罪。',
      en: "Obtaining and using another person's identity data, such as identity documents, credentials or account details, to commit fraud or other offences in their name.",
      fr: "Obtenir et utiliser les données d'identité d'autrui, telles que pièces d'identité, identifiants ou coordonnées de compte, pour commettre en son nom une fraude ou d'autres infractions.",
      ru: 'Получение и использование идентификационных данных другого лица, например документов, удостоверяющих личность, учётных данных или реквизитов счетов, для совершения мошенничества или иных преступлений от его имени.',
      es: 'Obtener y utilizar datos de identidad de otra persona, como documentos de identidad, credenciales o datos de cuentas, para cometer fraudes u otros delitos en su nombre.',
    },
  },
  // Named as the footnote to 13(a) and the Luxembourg Terminology Guidelines recommend: the material is evidence of abuse, never "pornography".
  'child-sexual-abuse-material': {
    group: 'cyber-enabled',
    articles: { budapest: [9], unCybercrime: [14] },
    label: {
      ar: 'مواد الاعتداء الجنسي على الأطفال/مواد الاستغلال الجنسي للأطفال (CSAM/CSEM)',
      zh: '儿童性虐待材料/儿童性剥削材料（CSAM/CSEM）',
      en: 'Child sexual abuse/exploitation material (CSAM/CSEM)',
      fr: "Matériels d'abus sexuels d'enfants/matériels d'exploitation sexuelle d'enfants (CSAM/CSEM)",
      ru: 'Материалы, содержащие сцены сексуального насилия над детьми/сексуальной эксплуатации детей (CSAM/CSEM)',
      es: 'Material de abuso sexual infantil/material de explotación sexual infantil (CSAM/CSEM)',
    },
    description: {
      ar: 'إنتاج مواد تصوّر الاعتداء الجنسي على طفل أو استغلاله جنسياً، أو عرضها أو توزيعها أو الحصول عليها أو حيازتها أو الوصول إليها عمداً، عن طريق نظم حاسوبية.',
      zh: '通过计算机系统制作、提供、分发、获取、持有或故意访问描绘对儿童进行性虐待或性剥削的材料。',
      en: 'Producing, offering, distributing, procuring, possessing or knowingly accessing, through computer systems, material that depicts the sexual abuse or sexual exploitation of a child.',
      fr: "Produire, offrir, diffuser, se procurer, détenir ou consulter sciemment, au moyen de systèmes informatiques, des matériels représentant des abus sexuels ou l'exploitation sexuelle d'un enfant.",
      ru: 'Изготовление, предложение, распространение, приобретение, хранение или умышленный доступ с использованием компьютерных систем к материалам, изображающим сексуальное насилие над ребёнком или его сексуальную эксплуатацию.',
      es: 'Producir, ofrecer, difundir, procurarse, poseer o consultar a sabiendas, mediante sistemas informáticos, material que represente el abuso sexual o la explotación sexual de un niño.',
    },
  },
  'online-grooming': {
    group: 'cyber-enabled',
    articles: { budapest: [], unCybercrime: [15] },
    label: {
      ar: 'استمالة الأطفال عبر الإنترنت',
      zh: '在线引诱儿童',
      en: 'Online grooming or solicitation of children',
      fr: "Sollicitation d'enfants à des fins sexuelles en ligne (pédopiégeage)",
      ru: 'Домогательство в отношении детей в интернете (груминг)',
      es: 'Captación de niños en línea con fines sexuales (grooming)',
    },
    description: {
      ar: 'استخدام تكنولوجيا المعلومات والاتصالات للتواصل مع طفل وكسب ثقته بقصد الاعتداء عليه جنسياً أو استغلاله جنسياً.',
      zh: '利用信息和通信技术接触儿童并取得其信任，意图对其实施性虐待或性剥削。',
      en: 'Using information and communications technologies to contact a child and gain their trust with the intent of sexually abusing or exploiting them.',
      fr: "Utiliser les technologies de l'information et de la communication pour contacter un enfant et gagner sa confiance dans l'intention de commettre contre lui des abus sexuels ou de l'exploiter sexuellement.",
      ru: 'Использование информационно-коммуникационных технологий для установления контакта с ребёнком и завоевания его доверия с целью совершения в отношении него сексуального насилия или сексуальной эксплуатации.',
      es: 'Utilizar las tecnologías de la información y las comunicaciones para contactar con un niño y ganarse su confianza con la intención de abusar sexualmente de él o explotarlo sexualmente.',
    },
  },
  sextortion: {
    group: 'cyber-enabled',
    articles: { budapest: [], unCybercrime: [] },
    label: {
      ar: 'الابتزاز الجنسي',
      zh: '性勒索',
      en: 'Sextortion',
      fr: 'Sextorsion',
      ru: 'Сексуальное вымогательство',
      es: 'Sextorsión',
    },
    description: {
      ar: 'التهديد بنشر صور أو مقاطع فيديو حميمة لشخص ما ما لم يدفع مالاً أو يقدّم مزيداً من المحتوى الجنسي.',
      zh: '威胁散布他人的私密图像或视频，除非其支付钱款或提供更多性内容。',
      en: 'Threatening to share intimate images or videos of a person unless they pay money or provide further sexual content.',
      fr: "Menacer de diffuser les images ou vidéos intimes d'une personne si elle ne paie pas ou ne fournit pas d'autres contenus sexuels.",
      ru: 'Угроза распространить интимные изображения или видео человека, если он не заплатит или не предоставит новые материалы сексуального характера.',
      es: 'Amenazar con difundir imágenes o vídeos íntimos de una persona si no paga o no proporciona más contenido sexual.',
    },
  },
  'non-consensual-intimate-images': {
    group: 'cyber-enabled',
    articles: { budapest: [], unCybercrime: [16] },
    label: {
      ar: 'نشر الصور الحميمة دون موافقة',
      zh: '未经同意传播私密图像',
      en: 'Non-consensual dissemination of intimate images',
      fr: "Diffusion non consentie d'images intimes",
      ru: 'Распространение интимных изображений без согласия',
      es: 'Difusión no consentida de imágenes íntimas',
    },
    description: {
      ar: 'مشاركة صور حميمة لشخص ما أو نشرها أو إتاحتها بأي طريقة أخرى دون موافقته.',
      zh: '未经本人同意，分享、发布或以其他方式提供其私密图像。',
      en: 'Sharing, publishing or otherwise making available intimate images of a person without their consent.',
      fr: "Partager, publier ou mettre à disposition de toute autre manière des images intimes d'une personne sans son consentement.",
      ru: 'Распространение, публикация или предоставление иным образом доступа к интимным изображениям человека без его согласия.',
      es: 'Compartir, publicar o poner a disposición de cualquier otro modo imágenes íntimas de una persona sin su consentimiento.',
    },
  },
  cyberstalking: {
    group: 'cyber-enabled',
    articles: { budapest: [], unCybercrime: [] },
    label: {
      ar: 'الملاحقة والتحرش عبر الإنترنت',
      zh: '网络跟踪和网络骚扰',
      en: 'Cyberstalking and online harassment',
      fr: 'Cyberharcèlement et traque en ligne',
      ru: 'Киберпреследование и травля в интернете',
      es: 'Ciberacoso y acecho en línea',
    },
    description: {
      ar: 'تهديد شخص ما أو مراقبته أو ترهيبه أو التحرش به بصورة متكررة عبر الاتصالات الإلكترونية بحيث يخشى على سلامته أو يعاني من ضيق شديد.',
      zh: '通过电子通信反复威胁、监视、恐吓或骚扰他人，使其担心自身安全或遭受严重困扰。',
      en: 'Repeatedly threatening, monitoring, intimidating or harassing a person through electronic communications so that they fear for their safety or suffer serious distress.',
      fr: "Menacer, surveiller, intimider ou harceler de façon répétée une personne par des communications électroniques, au point qu'elle craigne pour sa sécurité ou subisse une détresse grave.",
      ru: 'Систематические угрозы, слежка, запугивание или преследование человека с помощью электронных средств связи, вызывающие у него страх за свою безопасность или серьёзные страдания.',
      es: 'Amenazar, vigilar, intimidar o acosar reiteradamente a una persona mediante comunicaciones electrónicas, de modo que tema por su seguridad o sufra una angustia grave.',
    },
  },
  'terrorist-content': {
    group: 'cyber-enabled',
    articles: { budapest: [], unCybercrime: [] },
    label: {
      ar: 'المحتوى الإرهابي على الإنترنت',
      zh: '网络恐怖主义内容',
      en: 'Terrorist content online',
      fr: 'Contenus terroristes en ligne',
      ru: 'Террористический контент в интернете',
      es: 'Contenidos terroristas en línea',
    },
    description: {
      ar: 'استخدام النظم الحاسوبية للتحريض على ارتكاب جرائم إرهابية أو التجنيد أو التدريب لارتكابها أو تمويلها أو التخطيط لها، أو لنشر مواد تخدم هذه الأغراض.',
      zh: '利用计算机系统煽动、招募或培训人员实施恐怖主义犯罪、为其提供资金或进行策划，或传播服务于上述目的的材料。',
      en: 'Using computer systems to incite, recruit or train for, finance or plan terrorist offences, or to disseminate material serving those ends.',
      fr: 'Utiliser des systèmes informatiques pour inciter à commettre des infractions terroristes, recruter ou former à cette fin, les financer ou les préparer, ou diffuser des contenus servant ces objectifs.',
      ru: 'Использование компьютерных систем для подстрекательства к преступлениям террористического характера, вербовки или подготовки к ним, их финансирования или планирования либо для распространения материалов, служащих этим целям.',
      es: 'Utilizar sistemas informáticos para incitar a cometer delitos de terrorismo, reclutar o adiestrar con ese fin, financiarlos o planificarlos, o difundir material que sirva a esos fines.',
    },
  },
  'incitement-to-violence': {
    group: 'cyber-enabled',
    articles: { budapest: [], unCybercrime: [] },
    label: {
      ar: 'التحريض على العنف عبر الإنترنت',
      zh: '网络煽动暴力',
      en: 'Online incitement to violence',
      fr: 'Incitation à la violence en ligne',
      ru: 'Подстрекательство к насилию в интернете',
      es: 'Incitación a la violencia en línea',
    },
    description: {
      ar: 'دعوة الآخرين علناً عبر الاتصالات الإلكترونية إلى ارتكاب أعمال عنف ضد شخص أو جماعة.',
      zh: '通过电子通信公开号召他人对个人或群体实施暴力。',
      en: 'Publicly calling on others through electronic communications to commit violence against a person or group.',
      fr: 'Appeler publiquement autrui, par des communications électroniques, à commettre des violences contre une personne ou un groupe.',
      ru: 'Публичные призывы с помощью электронных средств связи к совершению насилия в отношении лица или группы лиц.',
      es: 'Llamar públicamente a otros, mediante comunicaciones electrónicas, a cometer actos de violencia contra una persona o un grupo.',
    },
  },
  'cybercrime-proceeds-laundering': {
    group: 'cyber-enabled',
    articles: { budapest: [], unCybercrime: [17] },
    label: {
      ar: 'غسل عائدات الجرائم السيبرانية',
      zh: '清洗网络犯罪所得',
      en: 'Laundering of proceeds of cybercrime',
      fr: 'Blanchiment du produit de la cybercriminalité',
      ru: 'Отмывание доходов от киберпреступлений',
      es: 'Blanqueo del producto de la ciberdelincuencia',
    },
    description: {
      ar: 'تحويل عائدات الجرائم السيبرانية أو نقلها أو إخفاؤها، بما في ذلك عن طريق الأصول المشفرة أو خدمات الخلط أو وسطاء تحويل الأموال، لتمويه مصدرها غير المشروع.',
      zh: '转换、转移或隐匿网络犯罪所得（包括通过加密资产、混币服务或“钱骡”），以掩饰其非法来源。',
      en: 'Converting, transferring or concealing the proceeds of cybercrime, including through crypto-assets, mixers or money mules, to disguise their illicit origin.',
      fr: "Convertir, transférer ou dissimuler le produit de la cybercriminalité, y compris au moyen de crypto-actifs, de mélangeurs ou de mules financières, pour en masquer l'origine illicite.",
      ru: 'Конвертация, перевод или утаивание доходов от киберпреступлений, в том числе с помощью криптоактивов, миксеров или денежных мулов, чтобы скрыть их незаконное происхождение.',
      es: 'Convertir, transferir u ocultar el producto de la ciberdelincuencia, incluso mediante criptoactivos, mezcladores o mulas de dinero, para disimular su origen ilícito.',
    },
  },
  'commercial-copyright-infringement': {
    group: 'cyber-enabled',
    articles: { budapest: [10], unCybercrime: [] },
    label: {
      ar: 'التعدي على حق المؤلف على نطاق تجاري',
      zh: '商业规模的侵犯版权行为',
      en: 'Commercial-scale copyright infringement',
      fr: "Atteinte au droit d'auteur à une échelle commerciale",
      ru: 'Нарушение авторских прав в коммерческих масштабах',
      es: 'Infracción de derechos de autor a escala comercial',
    },
    description: {
      ar: 'التعدي عمداً على حق المؤلف أو الحقوق المجاورة على نطاق تجاري بواسطة نظام حاسوبي، مثل تشغيل خدمات مقرصنة للبث أو التنزيل.',
      zh: '故意利用计算机系统以商业规模侵犯版权或相关权利，例如经营盗版流媒体或下载服务。',
      en: 'Wilfully infringing copyright or related rights on a commercial scale by means of a computer system, for example by running pirate streaming or download services.',
      fr: "Porter atteinte délibérément, à une échelle commerciale et au moyen d'un système informatique, au droit d'auteur ou aux droits voisins, par exemple en exploitant des services pirates de diffusion en continu ou de téléchargement.",
      ru: 'Умышленное нарушение авторских или смежных прав в коммерческих масштабах с помощью компьютерной системы, например путём организации работы пиратских сервисов потокового вещания или загрузки.',
      es: 'Infringir deliberadamente, a escala comercial y por medio de un sistema informático, los derechos de autor o derechos conexos, por ejemplo gestionando servicios piratas de transmisión o descarga.',
    },
  },
  'darknet-market-trafficking': {
    group: 'cyber-enabled',
    articles: { budapest: [], unCybercrime: [] },
    label: {
      ar: 'الاتجار بالسلع غير المشروعة في أسواق الشبكة المظلمة',
      zh: '在暗网市场贩运非法商品',
      en: 'Trafficking in illicit goods on darknet markets',
      fr: 'Trafic de biens illicites sur les marchés du darknet',
      ru: 'Торговля незаконными товарами на рынках даркнета',
      es: 'Tráfico de bienes ilícitos en mercados de la red oscura',
    },
    description: {
      ar: 'بيع أو شراء المخدرات أو الأسلحة النارية أو البيانات المسروقة أو الوثائق المزورة أو غيرها من السلع والخدمات غير المشروعة في أسواق إلكترونية خفية.',
      zh: '在隐蔽的在线市场买卖毒品、枪支、被盗数据、伪造证件或其他非法商品和服务。',
      en: 'Selling or buying drugs, firearms, stolen data, counterfeit documents or other illicit goods and services on hidden online marketplaces.',
      fr: "Vendre ou acheter des drogues, des armes à feu, des données volées, de faux documents ou d'autres biens et services illicites sur des places de marché cachées en ligne.",
      ru: 'Продажа или покупка наркотиков, огнестрельного оружия, похищенных данных, поддельных документов или иных незаконных товаров и услуг на скрытых онлайн-площадках.',
      es: 'Vender o comprar drogas, armas de fuego, datos robados, documentos falsificados u otros bienes y servicios ilícitos en mercados ocultos en línea.',
    },
  },
};

export const OFFENCES: readonly Offence[] = OFFENCE_IDS.map((id) => ({ id, ...DEFINITIONS[id] }));

const BY_ID = new Map<string, Offence>(OFFENCES.map((offence) => [offence.id, offence]));

export const isOffenceId = (value: string): value is OffenceId => BY_ID.has(value);

/** Takes any string because ids arrive from forms, stored cases and other nodes. */
export const offenceById = (id: string): Offence | undefined => BY_ID.get(id);

export const offenceLabel = (id: OffenceId, locale: Locale): string => DEFINITIONS[id].label[locale];

export const treatyArticles = (id: OffenceId): TreatyArticles => DEFINITIONS[id].articles;
