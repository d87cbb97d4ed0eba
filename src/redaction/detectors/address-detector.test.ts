import { describe, expect, it } from 'vitest';
import { findingsIn, testRedactor } from '../../../test/support/test-redactor.js';

const redactor = await testRedactor();

const addressesIn = async (text: string): Promise<string[]> =>
  (await findingsIn(redactor, text))
    .filter((finding) => finding.className === 'STREET_ADDRESS')
    .map((finding) => finding.value);

describe('address blocks', () => {
  it.each([
    ['• 12 Quill Street\n• Apt. 7\n• Harrowgate\n• Ruritania 40321', 'Ruritania 40321'],
    ['??? 12 Quill Street\n??? Apt. 7\n??? Harrowgate', 'Harrowgate'],
    ['> 4 Elm Street\n> Hollowby', 'Hollowby'],
  ])('joins the bulleted or quoted lines of %j', async (text, lastLine) => {
    const [address] = await addressesIn(text);
    expect(address?.endsWith(lastLine)).toBe(true);
    expect(text.endsWith(address ?? '')).toBe(true);
  });

  it.each([
    [
      'she lives at 98 szilva utca 12, kovacsfalu, ruritania 4032',
      '98 szilva utca 12, kovacsfalu, ruritania 4032',
    ],
    [
      'Ship to 8 Rua Lenta 44, Porto Novo, Ruritania (Portuguese) 4000',
      '8 Rua Lenta 44, Porto Novo, Ruritania (Portuguese) 4000',
    ],
    ['We met at 5 Oak Street, which was closed', '5 Oak Street'],
    ['Post it to 5 Oak Street, and call me', '5 Oak Street'],
  ])('takes the town parts that belong to the address in %j', async (text, value) => {
    expect(await addressesIn(text)).toEqual([value]);
  });

  it.each([
    ['Write to 5 Rue Brenlow\n23176 Quillville today', '5 Rue Brenlow\n23176 Quillville'],
    ['Ship to 96 Quill Drive\nSG4 0RX Brenlow-on-Sea', '96 Quill Drive\nSG4 0RX Brenlow-on-Sea'],
    ['Deliver to: Brenlowa 760\nKat 9\nQuillvar', 'Brenlowa 760\nKat 9\nQuillvar'],
    ['Brenlow ulica 38\nstanovanje št. 388', 'Brenlow ulica 38\nstanovanje št. 388'],
  ])('reads a postcode line and a unit line as lines, in %j', async (text, value) => {
    expect(await addressesIn(text)).toEqual([value]);
  });

  it.each([
    ['Suite 12 4480 Quillbrook 77', 'Suite 12 4480 Quillbrook 77'],
    ['Deliver to Apt 3B 17 Harrow Road please', 'Apt 3B 17 Harrow Road'],
  ])('takes a unit written before its street in %j', async (text, value) => {
    expect(await addressesIn(text)).toEqual([value]);
  });
});

describe('street types', () => {
  it.each([
    ['the office at 98 brenna kovács útja 45 is open', '98 brenna kovács útja 45'],
    ['Ozolu iela 12, Rīga', 'Ozolu iela 12, Rīga'],
    ['Her flat is on Calle Mayor 7', 'Calle Mayor 7'],
    ['Where is Quillan lakótelep 95?', 'Quillan lakótelep 95'],
    ['Brenlow prospekti, 753', 'Brenlow prospekti, 753'],
    ['Meet me on Quillan Street tonight', 'Quillan Street'],
    [
      'the corner of 4 Elm Street and Brevik Summit',
      'the corner of 4 Elm Street and Brevik Summit',
    ],
  ])('finds the street in %j', async (text, value) => {
    expect(await addressesIn(text)).toEqual([value]);
  });

  it.each([
    'Dinner is at the Quillan Country Club.',
    'It was signed by the Treaty on European Union',
    'We walked through the main gate together',
  ])('finds no street in %j: a type that names something else without a number', async (text) => {
    expect(await addressesIn(text)).toEqual([]);
  });
});

describe('house numbers and units as other languages write them', () => {
  it.each([
    ['Quillgatan 9 Lgh. 175, Norrby', 'Quillgatan 9 Lgh. 175, Norrby'],
    ['Brenstraße 47b 5 OG\n24906 Quillstadt', 'Brenstraße 47b 5 OG\n24906 Quillstadt'],
    ['Send it to Quillweg 8, 2e verdieping please', 'Quillweg 8, 2e verdieping'],
    ['Flurstr. 24 is closed', 'Flurstr. 24'],
    ['Calle Pino Alto, 3', 'Calle Pino Alto, 3'],
    ['We moved to Jln. Quillan no 46 last May', 'Jln. Quillan no 46'],
    ['bulw. Brzozowy 5/5 m. 124', 'bulw. Brzozowy 5/5 m. 124'],
    ['Write to Calle Brenlow s/n, Quillona', 'Calle Brenlow s/n, Quillona'],
    ['dana quill\n\n68 brenlow qishlog, 58\n apt. 12', '68 brenlow qishlog, 58\n apt. 12'],
    ['Brenna Quill 12, Piano 2\n40321 Quillona', 'Brenna Quill 12, Piano 2\n40321 Quillona'],
    ['We met at Privada Quillan 14 today', 'Privada Quillan 14'],
    ['Write to Aleea Brenlow, Bloc 22', 'Aleea Brenlow, Bloc 22'],
    ['Send it to Övre Quillberget 40 Oppgang B', 'Övre Quillberget 40 Oppgang B'],
    ['Quillweg 35c Zimmer 851', 'Quillweg 35c Zimmer 851'],
  ])('finds all of %j', async (text, value) => {
    expect(await addressesIn(text)).toEqual([value]);
  });

  it.each([
    'The ballpark 5 miles out is full',
    'Apple 5 is out',
    'We sold 5 OG prints',
    'Martin Luther King Jr. 5 times',
    'Eje 5 is the answer',
    'We met Julia Lia on 5 May',
  ])('finds no address in %j', async (text) => {
    expect(await addressesIn(text)).toEqual([]);
  });
});

describe('numbered streets and towns after a postcode', () => {
  it.each([
    ['I live at 12 5th Avenue', '12 5th Avenue'],
    ['Send it to 350 W 42nd St, Quillton', '350 W 42nd St, Quillton'],
    ['Write to 12 Rue Brenlow, 75002 Quillville', '12 Rue Brenlow, 75002 Quillville'],
    ['Write to Quillweg 8, 24906 Brevik.', 'Quillweg 8, 24906 Brevik'],
  ])('finds %j', async (text, value) => {
    expect(await addressesIn(text)).toEqual([value]);
  });

  it.each(['Take the 3rd Road on the left', 'Meet on 5th Avenue tonight'])(
    'finds no address in %j: an ordinal with no house number may be a direction',
    async (text) => {
      expect(await addressesIn(text)).toEqual([]);
    },
  );
});

describe('a street, its number and a town on one line', () => {
  it.each([
    ['Where is Brenlowska 583, Quillovo?', 'Brenlowska 583, Quillovo'],
    ['We met at Quillhaven 68A, Harrowsted.', 'Quillhaven 68A, Harrowsted'],
  ])('finds %j', async (text, value) => {
    expect(await addressesIn(text)).toEqual([value]);
  });

  it.each([
    'During 1971, Quorvex invested heavily',
    'Read Chapter 5, Genesis first',
    'Windows 10, Office and Teams are installed',
  ])('finds no address in %j: the words before the number are everyday English', async (text) => {
    expect(await addressesIn(text)).toEqual([]);
  });
});

describe('streets typed in lowercase', () => {
  it.each([
    [
      'maria lind\n\n21 7258 quill road\n apt. 12\n harrowby',
      '21 7258 quill road\n apt. 12\n harrowby',
    ],
    ['send it to 12 oak street please', '12 oak street'],
    ['dana quill\n\n27 7258 brenlow knoll\n apt. 12', '27 7258 brenlow knoll\n apt. 12'],
  ])('finds the street in %j', async (text, value) => {
    expect(await addressesIn(text)).toEqual([value]);
  });

  it.each([
    ['send it to brenlowska 26, quillovo by friday', 'brenlowska 26, quillovo'],
    ['deliver to: brenlowa 760\nkat 9\nquillvar', 'brenlowa 760\nkat 9\nquillvar'],
    ['our shop at 695 quillan freeway opens at nine', '695 quillan freeway'],
  ])('reads the words that are not English as names in %j', async (text, value) => {
    expect(await addressesIn(text)).toEqual([value]);
  });

  it.each([
    'we saw 3 green parks',
    'we walked 5 miles down the road',
    'it is 3 km to the main road',
    'we need 2 more chairs for unit 5',
  ])('finds no street in %j', async (text) => {
    expect(await addressesIn(text)).toEqual([]);
  });
});

describe('streets after a cue', () => {
  it('reads a street in lowercase when the whole text is lowercase', async () => {
    expect(await addressesIn('she lives at 87 quillbrek 69, harrowby')).toEqual([
      '87 quillbrek 69, harrowby',
    ]);
    expect(await addressesIn('the answer is at most 48 words')).toEqual([]);
  });

  it("takes a street whose name is a person's, between two numbers", async () => {
    const text = 'Dana Holt lives at 13 Mirela Brandt 358, Harrowby';
    expect(await addressesIn(text)).toEqual(['13 Mirela Brandt 358, Harrowby']);
    expect((await findingsIn(redactor, text)).map((finding) => finding.value)).toEqual([
      'Dana Holt',
      '13 Mirela Brandt 358, Harrowby',
    ]);
  });

  it.each([
    ['Dana Holt lives at 10 Ob brenici 35b, Harrowby', '10 Ob brenici 35b, Harrowby'],
    [
      'He lives at 2 Quillan ibn Brenhar sahəsi, 358, Harrowby',
      '2 Quillan ibn Brenhar sahəsi, 358, Harrowby',
    ],
    ['She lives at 5 Brenlow and we visit often', '5 Brenlow'],
  ])("takes the lowercase words of a cued street's name in %j", async (text, value) => {
    expect(await addressesIn(text)).toEqual([value]);
  });

  it('takes a street named after a person when two numbers come before the name', async () => {
    const text = 'The shop is at 9816 214 Mirela Brandt';
    expect(await findingsIn(redactor, text)).toMatchObject([
      { className: 'STREET_ADDRESS', value: '9816 214 Mirela Brandt' },
    ]);
    expect(await addressesIn('Meet me at 10 Mirela Brandt will come')).toEqual([]);
  });

  it('takes the number after a numbered street name', async () => {
    expect(await addressesIn('Her address: 106 pinheiro velho 44')).toEqual([
      '106 pinheiro velho 44',
    ]);
  });
});
