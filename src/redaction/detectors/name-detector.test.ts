import { describe, expect, it } from 'vitest';
import { findingsIn, testRedactor } from '../../../test/support/test-redactor.js';

const redactor = await testRedactor();

const peopleIn = async (text: string): Promise<string[]> =>
  (await findingsIn(redactor, text))
    .filter((finding) => finding.className === 'PERSON')
    .map((finding) => finding.value);

describe('organisations are not people', () => {
  it.each([
    ['I work for Quorvex', []],
    ['I work for Mirela Brandt now', ['Mirela Brandt']],
    ['Quorvex is a design agency based in Oslo.', []],
    ['Quorvex is a 2001 comedy film directed by Mirela Brandt', ['Mirela Brandt']],
    ['Brevalyn is a nurse.', ['Brevalyn']],
    ['Mirela Brandt is a company director', ['Mirela Brandt']],
    ['The Hale, Bram and Moss Orchestra played', []],
    ['Nera Quill Consulting hired him', []],
    ['I work for Bertha Inc', []],
    ['It was signed by Mirela of Quorvex', ['Mirela']],
    ['She studied at the University of Quillan', []],
    ['Brenlow and Sons announced profits', []],
    ['I used to work for Hale, Brenlow and Moss until May', []],
    ['I used to work with Hale, Brenlow and Moss until May', ['Hale', 'Brenlow', 'Moss']],
    ['The Quorvex LLC office is closed on Mondays.', []],
    ['We signed with Brenvik s.r.o. last week', []],
    ['Shares of Quillmark Aktiebolag fell', []],
    ['She left Harrowfeld Kft. in May', []],
    ['The shop is run by Orvalho e Hijos now', []],
    ['Mirela Brandt BA gave the talk', ['Mirela Brandt BA']],
    ['The deal with Harlow - Brenvik fell through', []],
    ['See you soon. Thanks - Brevalyn', ['Brevalyn']],
    ['We hope to support Hellowallet in its mission', []],
    ['She spent a year at Weight Quorvex before that', []],
    ['He did his internship at Quorvex.', []],
    ["We met Quorvex's Mirela Brandt today", ['Mirela Brandt']],
    ["We met Quorvex's Mrs. Mirela Brandt today", ['Mirela Brandt']],
    ["I borrowed Brevalyn's car", ['Brevalyn']],
    ["I spent a year at Mirela Brandt's house", ['Mirela Brandt']],
    ['Shares of Greatschools rose', []],
    ['I asked Blackwood about it', ['Blackwood']],
    ['I asked Coldfield about it', ['Coldfield']],
    ['I asked Brevalyn about it', ['Brevalyn']],
  ])('in %j finds %j', async (text, people) => {
    expect(await peopleIn(text)).toEqual(people);
  });
});

describe('places are not people', () => {
  it.each([
    ['Who is coming to Czech Republic with me?', []],
    ['We moved here from New Quillan', []],
    ['He flew to Brevalyn on Tuesday', []],
    ['We drove to Sofia last spring', []],
    ['She grew up in Quillton', []],
    ['Brenmouth is a lovely town.', []],
    ['We visited West Dariana last summer.', []],
    ['Kanye West sang', ['Kanye West']],
    ['a German car and the Czech team', []],
    ['Labor Day is near', []],
    ['Isaac Lodge Street is closed', []],
    ['Stop at the corner of 4 Elm Street and Martinez Mall St.', []],
    ['The big three: Nera Quill Consulting, Brevalyn and Reed.', ['Brevalyn', 'Reed']],
    ['She shouted at Janet again', ['Janet']],
    ['Add Mirela Brandt as a beneficiary', ['Mirela Brandt']],
    ['Germán López signed it', ['Germán López']],
    ['Ten years in Quillmark, Brevalyn is still here', ['Brevalyn']],
    ['Our founders: Quillmark, Brevalyn and Reed.', ['Quillmark', 'Brevalyn', 'Reed']],
    ['I hear that Greenlander is moving that way', []],
    ['We support Quillmark Ext 1426 in its mission', []],
    ['Mirela Brandt 1984 was a good year', ['Mirela Brandt']],
    ['He flew to Quillanos de Brevara on Tuesday', []],
    ['Quillana de la Brevera is sunny', []],
    ['A painting by Leonardo da Vinci', ['Leonardo da Vinci']],
    ['Hello, I am Dana Quill', ['Dana Quill']],
    ['Why do Brevalyn and Reed agree?', ['Brevalyn', 'Reed']],
    ['We met José da Silva and Ana de la Cruz', ['José da Silva', 'Ana de la Cruz']],
  ])('in %j finds %j', async (text, people) => {
    expect(await peopleIn(text)).toEqual(people);
  });
});

describe('names typed in lowercase', () => {
  it.each([
    ['kristin vodrašek\n\nsee you soon', ['kristin vodrašek']],
    ['ask kristin today', []],
    ['maria said hi', []],
    ['maria pls call', []],
  ])('in %j finds %j', async (text, people) => {
    expect(await peopleIn(text)).toEqual(people);
  });
});

describe('letters glued to digits', () => {
  it.each([
    ['x IBAN DE89 3704 0044 0532 0130 00', []],
    ['Ticket AB12 went to Mirela Brandt', ['Mirela Brandt']],
    ['Flat 12B, ask for Mirela', ['Mirela']],
  ])('are part of an identifier, not a name, in %j', async (text, people) => {
    expect(await peopleIn(text)).toEqual(people);
  });
});
