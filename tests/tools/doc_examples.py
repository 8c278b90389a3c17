"""The YAML examples of the documentation guides (docs/docsite/rst/*.rst), for the docs and lint tests."""
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GUIDES = os.path.join(ROOT, 'docs', 'docsite', 'rst')


def guides():
    return sorted(name[:-4] for name in os.listdir(GUIDES) if name.endswith('.rst'))


def yaml_blocks(rst):
    """[(caption, text)] of the YAML code blocks of an rst document."""
    lines = rst.splitlines()
    blocks = []
    for number, line in enumerate(lines):
        match = re.match(r'^( *)\.\. code-block:: yaml\s*$', line)
        if not match:
            continue
        indent = ' ' * (len(match.group(1)) + 3)
        caption, body, options = None, [], True
        for following in lines[number + 1:]:
            if following.strip() and not following.startswith(indent):
                break
            text = following[len(indent):]
            if options and text.startswith(':'):
                if text.startswith(':caption:'):
                    caption = text[len(':caption:'):].strip()
                continue
            options = False
            body.append(text)
        blocks.append((caption, '\n'.join(body).strip('\n') + '\n'))
    return blocks


def guide_examples():
    """(guide, number, YAML text) of every YAML code block of the guides."""
    for guide in guides():
        with open(os.path.join(GUIDES, guide + '.rst'), encoding='utf-8') as handle:
            for number, (_caption, text) in enumerate(yaml_blocks(handle.read())):
                yield guide, number + 1, text
