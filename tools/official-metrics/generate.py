"""Writes packages/testkit/fixtures/official-metrics/{squad,seqeval}.json: randomized
cases and the scripts' own edge cases, scored by the official definitions
(squad_v1_evaluate.py, seqeval_entities.py). Run: /usr/bin/python3 tools/official-metrics/generate.py"""
import json
import os
import random

import squad_v1_evaluate as squad
import seqeval_entities as seqeval

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'testkit', 'fixtures', 'official-metrics')

# Pieces chosen to stress normalisation: articles next to Unicode letters, marks and digits,
# ASCII vs non-ASCII punctuation, every kind of whitespace Python's str.split() knows (and some it does not).
WORDS = ['a', 'an', 'the', 'The', 'THE', 'A', 'An', 'açaí', 'théâtre', 'éthe', 'thé', 'ana', 'cat', 'Cat', 'dog',
         'Σίσυφος', 'ΟΔΟΣ', 'straße', 'İstanbul', 'naïve', 'the_', '_the', 'the2', '2the', 'a\u0301', 'ｔｈｅ',
         'München', '東京', 'an一', '1984', '½', 'x²', 'DŽungla', 'ǅ', 'Ǆ', 'e\u0301', 'فيل', 'a\u200bthe']
PUNCT = ['.', ',', '!', '?', '"', "'", '-', '(', ')', '$', '%', '_', '`', '~', '—', '–', '’', '«', '»', '¿', '。', '…']
SPACES = [' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u2003', '\u3000', '\u2028', '\u1680', '\u200b', '\ufeff',
          '\u0085', '\u001c', '\u000b', '\u000c', '\u180e', '\u202f', '\u205f']


def random_text(rng):
    parts = []
    for _ in range(rng.randint(0, 7)):
        r = rng.random()
        if r < 0.6:
            w = rng.choice(WORDS)
            if rng.random() < 0.3:
                w = rng.choice(PUNCT) + w if rng.random() < 0.5 else w + rng.choice(PUNCT)
            parts.append(w)
        elif r < 0.8:
            parts.append(rng.choice(PUNCT))
        else:
            parts.append(rng.choice(SPACES))
        parts.append(rng.choice(SPACES) if rng.random() < 0.8 else '')
    return ''.join(parts)


def squad_cases(rng):
    pairs = [('', ''), ('.', '!?'), ('the', 'a'), ('the cat', 'cat'), ('açaí', 'açaí'), ('a açaí', 'açaí'),
             ('thé', 'the'), ('an apple', 'apple'), ('The Apple.', 'apple'), ('«the» cat', 'the cat'),
             ('cat cat dog', 'cat dog dog'), ('x', ''), ('', 'x'), ('théâtre', 'theatre')]
    pair_rows = []
    for p, g in pairs + [(random_text(rng), random_text(rng)) for _ in range(400)]:
        pair_rows.append({'prediction': p, 'gold': g, 'normalized_prediction': squad.normalize_answer(p),
                          'exact_match': int(squad.exact_match_score(p, g)), 'f1': squad.f1_score(p, g)})
    datasets = []
    for k in range(40):
        qas, predictions = [], {}
        for q in range(rng.randint(1, 8)):
            qid = f'q{k}-{q}'
            golds = [random_text(rng) for _ in range(rng.randint(1, 3))]
            qas.append({'id': qid, 'answers': [{'text': g} for g in golds]})
            r = rng.random()
            if r < 0.3:
                predictions[qid] = rng.choice(golds) + rng.choice(['', ' ', '.', ' the'])
            elif r < 0.85:
                predictions[qid] = random_text(rng)
        predictions[f'extra-{k}'] = 'ignored'  # ids without a reference do not count
        official = squad.evaluate([{'paragraphs': [{'qas': qas}]}], predictions)
        datasets.append({'predictions': predictions, 'references': {q['id']: [a['text'] for a in q['answers']] for q in qas},
                         'exact_match': official['exact_match'] / 100, 'f1': official['f1'] / 100})
    return {'pairs': pair_rows, 'datasets': datasets}


TYPES = ['person', 'location', 'creative-work', 'group', 'corporation', 'product']


def random_tags(rng, n):
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.45:
            out.append('O')
        else:
            out.append(rng.choice(['B-', 'I-']) + rng.choice(TYPES[: rng.randint(1, 6)]))
    return out


def seqeval_cases(rng):
    fixed = [
        ([['O', 'O']], [['O', 'O']]),  # no entities at all
        ([['I-person', 'I-person', 'O']], [['B-person', 'I-person', 'O']]),  # I- without B- starts a chunk
        ([['B-person', 'I-location', 'I-location']], [['B-person', 'I-person', 'I-location']]),  # type switch
        ([['B-creative-work', 'I-creative-work']], [['B-creative-work', 'I-creative-work']]),  # type after first "-"
        ([['B-person'], ['I-person']], [['B-person'], ['I-person']]),  # sentences separate
        ([['B-person', 'B-person']], [['B-person', 'I-person']]),
        ([['O', 'B-group']], [['O', 'O']]),
        ([['O', 'O']], [['B-group', 'O']]),
    ]
    rows = []
    for labels, preds in fixed:
        rows.append({'labels': labels, 'predictions': preds, **seqeval.micro_prf(labels, preds)})
    for _ in range(300):
        lengths = [rng.randint(0, 9) for _ in range(rng.randint(1, 5))]
        labels = [random_tags(rng, n) for n in lengths]
        preds = [[t if rng.random() < 0.6 else random_tags(rng, 1)[0] for t in s] for s in labels]
        rows.append({'labels': labels, 'predictions': preds, **seqeval.micro_prf(labels, preds)})
    entity_rows = []
    for _ in range(100):
        labels = [random_tags(rng, rng.randint(0, 9)) for _ in range(rng.randint(1, 3))]
        entity_rows.append({'labels': labels, 'entities': [list(e) for e in seqeval.get_entities(labels)]})
    return {'cases': rows, 'entities': entity_rows}


def main():
    rng = random.Random(11)
    os.makedirs(OUT, exist_ok=True)
    for name, data in [('squad', squad_cases(rng)), ('seqeval', seqeval_cases(rng))]:
        with open(os.path.join(OUT, f'{name}.json'), 'w', encoding='utf-8') as f:
            json.dump(data, f, ensure_ascii=True, indent=0)
            f.write('\n')


if __name__ == '__main__':
    main()
