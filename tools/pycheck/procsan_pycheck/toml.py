"""TOML for pyproject.toml: `tomllib` where the interpreter has it (3.11+), else this module's
own strict reader of TOML 1.0.

The checker runs on 3.8 to 3.10 as well, without pip, so it cannot count on `tomli`; a
pyproject.toml is small and its TOML plain, and this reader takes the whole language except that
dates and times are kept as their text. It is strict the way tomllib is: anything that is not
TOML is an error with a line and a column, never a guess.
"""
import re


class TomlError(ValueError):
    def __init__(self, message, line, column):
        ValueError.__init__(self, "%s (at line %d, column %d)" % (message, line, column))
        self.message, self.line, self.column = message, line, column


def loads(text, force_own=False):
    """The document as dicts, lists and scalars. Raises TomlError."""
    if not force_own:
        try:
            import tomllib
        except ImportError:
            tomllib = None
        if tomllib is not None:
            try:
                return tomllib.loads(text)
            except tomllib.TOMLDecodeError as e:
                m = re.search(r"\(at line (\d+), column (\d+)\)$", str(e))
                message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)$", "",
                                 str(e))
                line, column = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
                raise TomlError(message, line, column)
    return _Reader(text).document()


_BARE = re.compile(r"[A-Za-z0-9_-]+")
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})?)?"
    r"|\d{2}:\d{2}:\d{2}(?:\.\d+)?")
_NUMBER = re.compile(
    r"[+-]?(?:inf|nan)"
    r"|0x[0-9A-Fa-f](?:_?[0-9A-Fa-f])*|0o[0-7](?:_?[0-7])*|0b[01](?:_?[01])*"
    r"|[+-]?(?:0|[1-9](?:_?\d)*)(?:\.\d(?:_?\d)*)?(?:[eE][+-]?\d(?:_?\d)*)?")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


class _Reader:
    def __init__(self, text):
        self.s = text
        self.i = 0
        self.root = {}
        self.defined = set()  # ids of tables defined by a header or a dotted key
        self.headers = set()  # ids of tables defined by a header: no dotted key extends them
        self.frozen = set()  # ids of inline tables and arrays: never extended

    # -- errors and positions ----------------------------------------------------------------

    def fail(self, message, at=None):
        at = self.i if at is None else at
        line = self.s.count("\n", 0, at) + 1
        column = at - (self.s.rfind("\n", 0, at) + 1) + 1
        raise TomlError(message, line, column)

    def peek(self, n=1):
        return self.s[self.i:self.i + n]

    def skip_ws(self):
        while self.i < len(self.s) and self.s[self.i] in " \t":
            self.i += 1

    def skip_comment(self):
        if self.peek() == "#":
            end = self.s.find("\n", self.i)
            end = len(self.s) if end < 0 else end
            for c in self.s[self.i:end].rstrip("\r"):
                if (ord(c) < 0x20 and c != "\t") or ord(c) == 0x7f:
                    self.fail("a control character in a comment")
            self.i = end

    def end_of_line(self):
        self.skip_ws()
        self.skip_comment()
        if self.peek(2) == "\r\n":
            self.i += 2
        elif self.peek() == "\n":
            self.i += 1
        elif self.i < len(self.s):
            self.fail("expected the end of the line")

    def skip_blank(self):
        """Whitespace, comments and newlines (inside arrays)."""
        while True:
            self.skip_ws()
            self.skip_comment()
            if self.peek(2) == "\r\n":
                self.i += 2
            elif self.peek() == "\n":
                self.i += 1
            else:
                return

    # -- the document ------------------------------------------------------------------------

    def document(self):
        table = self.root
        while True:
            self.skip_blank()
            if self.i >= len(self.s):
                return self.root
            if self.peek(2) == "[[":
                self.i += 2
                key = self.key()
                if self.peek(2) != "]]":
                    self.fail("expected ']]'")
                self.i += 2
                table = self.array_table(key)
            elif self.peek() == "[":
                self.i += 1
                key = self.key()
                if self.peek() != "]":
                    self.fail("expected ']'")
                self.i += 1
                table = self.header_table(key)
            else:
                self.key_value(table)
            self.end_of_line()

    def key(self):
        parts = []
        while True:
            self.skip_ws()
            c = self.peek()
            if c == '"':
                parts.append(self.basic_string())
            elif c == "'":
                parts.append(self.literal_string())
            else:
                m = _BARE.match(self.s, self.i)
                if not m:
                    self.fail("expected a key")
                parts.append(m.group())
                self.i = m.end()
            self.skip_ws()
            if self.peek() != ".":
                return parts
            self.i += 1

    def descend(self, table, part, at):
        value = table.setdefault(part, {})
        if isinstance(value, list) and value and isinstance(value[-1], dict) \
                and id(value) not in self.frozen:
            return value[-1]
        if not isinstance(value, dict) or id(value) in self.frozen:
            self.fail("'%s' is already defined as a value" % part, at)
        return value

    def header_table(self, key):
        at = self.i
        table = self.root
        for part in key[:-1]:
            table = self.descend(table, part, at)
        last = table.get(key[-1])
        if last is None:
            last = table[key[-1]] = {}
        elif not isinstance(last, dict) or id(last) in self.frozen or id(last) in self.defined:
            self.fail("table '%s' is defined twice" % ".".join(key), at)
        self.defined.add(id(last))
        self.headers.add(id(last))
        return last

    def array_table(self, key):
        at = self.i
        table = self.root
        for part in key[:-1]:
            table = self.descend(table, part, at)
        array = table.setdefault(key[-1], [])
        if not isinstance(array, list) or id(array) in self.frozen:
            self.fail("'%s' is already defined and is not an array of tables" % ".".join(key),
                      at)
        new = {}
        array.append(new)
        self.defined.add(id(new))
        return new

    def key_value(self, table):
        at = self.i
        key = self.key()
        if self.peek() != "=":
            self.fail("expected '=' after a key")
        self.i += 1
        self.skip_ws()
        value = self.value()
        for part in key[:-1]:
            sub = table.get(part)
            if sub is None:
                sub = table[part] = {}
                self.defined.add(id(sub))  # [a.b] after a.b.c = 1 redefines it
            elif not isinstance(sub, dict) or id(sub) in self.frozen:
                self.fail("'%s' is already defined as a value" % part, at)
            elif id(sub) in self.headers:
                self.fail("'%s' is a table defined by its own header" % part, at)
            table = sub
        if key[-1] in table:
            self.fail("'%s' is defined twice" % ".".join(key), at)
        table[key[-1]] = value

    # -- values ------------------------------------------------------------------------------

    def value(self):
        c = self.peek()
        if self.peek(3) == '"""':
            return self.multiline_basic()
        if self.peek(3) == "'''":
            return self.multiline_literal()
        if c == '"':
            return self.basic_string()
        if c == "'":
            return self.literal_string()
        if c == "[":
            return self.array()
        if c == "{":
            return self.inline_table()
        for word, v in (("true", True), ("false", False)):
            if self.s.startswith(word, self.i):
                self.i += len(word)
                return v
        m = _DATETIME.match(self.s, self.i)
        if m:
            self.check_datetime(m.group())
            self.i = m.end()
            return m.group()
        m = _NUMBER.match(self.s, self.i)
        if m and m.group():
            self.i = m.end()
            text = m.group().replace("_", "")
            if text.lstrip("+-") in ("inf", "nan"):
                return float(text)
            if text[:2] in ("0x", "0o", "0b"):
                return int(text, 0)
            return float(text) if any(c in text for c in ".eE") else int(text)
        self.fail("expected a value")

    def check_datetime(self, text):
        import datetime
        try:
            if text[2] != ":":
                datetime.date(int(text[0:4]), int(text[5:7]), int(text[8:10]))
                text = text[11:]
            if text:
                hour, minute, second = int(text[0:2]), int(text[3:5]), int(text[6:8])
                if hour > 23 or minute > 59 or second > 60:
                    raise ValueError
                offset = re.search(r"[+-](\d{2}):(\d{2})$", text[8:])
                if offset and (int(offset.group(1)) > 23 or int(offset.group(2)) > 59):
                    raise ValueError
        except ValueError:
            self.fail("an invalid date or time")

    def basic_string(self):
        self.i += 1
        out = []
        while True:
            if self.i >= len(self.s):
                self.fail("a string is not closed")
            c = self.s[self.i]
            if c == '"':
                self.i += 1
                return "".join(out)
            if c == "\\":
                out.append(self.escape())
                continue
            if c == "\n" or (ord(c) < 0x20 and c != "\t") or ord(c) == 0x7f:
                self.fail("a string is not closed on its line" if c == "\n"
                          else "a control character in a string")
            out.append(c)
            self.i += 1

    def escape(self):
        e = self.s[self.i + 1:self.i + 2]
        if e in _ESCAPES:
            self.i += 2
            return _ESCAPES[e]
        if e in ("u", "U"):
            n = 4 if e == "u" else 8
            digits = self.s[self.i + 2:self.i + 2 + n]
            if len(digits) != n or not re.match(r"[0-9A-Fa-f]+\Z", digits):
                self.fail("a \\%s escape needs %d hex digits" % (e, n))
            code = int(digits, 16)
            if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                self.fail("an escape that is not a Unicode scalar value")
            self.i += 2 + n
            return chr(code)
        self.fail("an unknown escape '\\%s'" % e)

    def literal_string(self):
        end = self.s.find("'", self.i + 1)
        newline = self.s.find("\n", self.i + 1)
        if end < 0 or (0 <= newline < end):
            self.fail("a string is not closed on its line")
        text = self.s[self.i + 1:end]
        if any((ord(c) < 0x20 and c != "\t") or ord(c) == 0x7f for c in text):
            self.fail("a control character in a string")
        self.i = end + 1
        return text

    def multiline_basic(self):
        self.i += 3
        if self.peek(2) == "\r\n":
            self.i += 2
        elif self.peek() == "\n":
            self.i += 1
        out = []
        while True:
            if self.i >= len(self.s):
                self.fail("a multi-line string is not closed")
            if self.peek(3) == '"""':
                # Up to two quotes may end the content right before the closing ones.
                extra = 0
                while extra < 2 and self.s[self.i + 3 + extra:self.i + 4 + extra] == '"':
                    extra += 1
                out.append('"' * extra)
                self.i += 3 + extra
                return "".join(out)
            c = self.s[self.i]
            if c == "\\":
                m = re.compile(r"\\[ \t]*\r?\n[ \t\r\n]*").match(self.s, self.i)
                if m:
                    self.i = m.end()
                    continue
                out.append(self.escape())
                continue
            if ((ord(c) < 0x20 and c not in "\t\n\r") or ord(c) == 0x7f
                    or (c == "\r" and self.s[self.i + 1:self.i + 2] != "\n")):
                self.fail("a control character in a string")
            out.append(c)
            self.i += 1

    def multiline_literal(self):
        self.i += 3
        if self.peek(2) == "\r\n":
            self.i += 2
        elif self.peek() == "\n":
            self.i += 1
        end = self.s.find("'''", self.i)
        if end < 0:
            self.fail("a multi-line string is not closed")
        # Up to two quotes may end the content right before the closing ones.
        extra = 0
        while extra < 2 and self.s[end + 3 + extra:end + 4 + extra] == "'":
            extra += 1
        end += extra
        text = self.s[self.i:end]
        if any((ord(c) < 0x20 and c not in "\t\n\r") or ord(c) == 0x7f for c in text) or \
                re.search(r"\r(?!\n)", text):
            self.fail("a control character in a string")
        self.i = end + 3
        return text

    def array(self):
        self.i += 1
        out = []
        while True:
            self.skip_blank()
            if self.peek() == "]":
                self.i += 1
                self.frozen.add(id(out))
                return out
            out.append(self.value())
            self.skip_blank()
            if self.peek() == ",":
                self.i += 1
            elif self.peek() != "]":
                self.fail("expected ',' or ']' in an array")

    def inline_table(self):
        self.i += 1
        table = {}
        self.skip_ws()
        if self.peek() == "}":
            self.i += 1
            self.frozen.add(id(table))
            return table
        while True:
            self.skip_ws()
            self.key_value(table)
            self.skip_ws()
            if self.peek() == "}":
                self.i += 1
                break
            if self.peek() != ",":
                self.fail("expected ',' or '}' in an inline table")
            self.i += 1
        self._freeze(table)
        return table

    def _freeze(self, value):
        if isinstance(value, (dict, list)):
            self.frozen.add(id(value))
            for v in (value.values() if isinstance(value, dict) else value):
                self._freeze(v)
