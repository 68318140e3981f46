// Template tests. The golden table was recorded from the docker CLI 28.2.2 (`docker context ls
// --format <t>` with only the default context, whose fields are methods); the remaining tables
// cover the JS data model, which Go's reflection has no direct equivalent for.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { formatTemplateText } from './format.js';
import { GoTemplate, goTruth, templateFunc, type ExecuteOptions } from './go-template.js';
import { TemplateError } from './template-error.js';

type Expected = { out: string } | { err: string };

function run(text: string, data: unknown, opts: ExecuteOptions = {}): Expected {
  try {
    return { out: GoTemplate.parse(text).execute(data, opts) };
  } catch (err) {
    if (err instanceof TemplateError) return { err: err.message };
    throw err;
  }
}

// docker's context ls formatter context: every field is a method.
const dockerContext = {
  Current: () => true,
  Description: () => 'Current DOCKER_HOST based configuration',
  DockerEndpoint: () => 'unix:///var/run/docker.sock',
  Error: () => '',
  Name: () => 'default',
};

const goldenCases: readonly (readonly [string, Expected])[] = [
  ['{{.Name}}', { out: 'default' }],
  ['{{.Name}} {{.Current}} {{.Description}}', { out: 'default true Current DOCKER_HOST based configuration' }],
  ['{{.A.B}}', { err: 'template: :1:4: executing "" at <.A.B>: can\'t evaluate field A in type *formatter.clientContextContext' }],
  ['{{.Name.Foo}}', { err: 'template: :1:7: executing "" at <.Name.Foo>: can\'t evaluate field Foo in type string' }],
  ['{{.Current.X}}', { err: 'template: :1:10: executing "" at <.Current.X>: can\'t evaluate field X in type bool' }],
  ['{{.Name | upper}}', { out: 'DEFAULT' }],
  ['{{.Name | upper | lower}}', { out: 'default' }],
  ['{{.Name | printf "%s!"}}', { out: 'default!' }],
  ['{{"a" | printf "%s-%s" "b"}}', { out: 'b-a' }],
  ['{{(split "a,b" ",") | len}}', { out: '2' }],
  ['{{join (split "a,b,c" ",") ", "}}', { out: 'a, b, c' }],
  ['{{printf "%s:%d" .Name 42}}', { out: 'default:42' }],
  ['{{printf "%5s|%-5d|%05.1f|%x|%X|%o|%b|%c|%U|%e|%g|%8.3e" "ab" 42 3.14159 255 255 8 5 65 65 1234.5678 0.000012345 1234.5678}}', { out: '   ab|42   |003.1|ff|FF|10|101|A|U+0041|1.234568e+03|1.2345e-05|1.235e+03' }],
  ['{{printf "%6.2f|%-8.3s|%+d|%x|%q|%t|%v|%%" 3.14159 "abcdef" 5 "hi" "a\\"b" true .Current}}', { out: '  3.14|abc     |+5|6869|"a\\"b"|true|true|%' }],
  ['{{printf "%t|%t" 1 "x"}}', { out: '%!t(int=1)|%!t(string=x)' }],
  ['{{printf "%5t|%-7t|%q" true false \'x\'}}', { out: ' true|false  |\'x\'' }],
  ['{{printf "%d%%|%3c|%-4q|" 7 66 "z"}}', { out: '7%|  B|"z" |' }],
  ['{{printf "%s" (split "a,b" ",")}}|{{printf "%q" (split "a,b" ",")}}|{{printf "%x" "é"}}|{{printf "% x" "ab"}}|{{printf "%#x" 255}}|{{printf "%#v" "a"}}', { out: '[a b]|["a" "b"]|c3a9|61 62|0xff|"a"' }],
  ['{{printf "%.2s|%.0f|%.3g|%10.4v|%-10v|" "abc" 2.5 3.14159 3.14159 "x"}}', { out: 'ab|2|3.14|     3.142|x         |' }],
  ['{{printf "%v" 100000000000000000000.0}}|{{printf "%v" 0.0001}}|{{printf "%v" 1e21}}|{{printf "%v" -0.5}}|{{printf "%v" 1e100}}', { out: '1e+20|0.0001|1e+21|-0.5|1e+100' }],
  ['{{printf "%6.2v|%.1e|%G|%E" 12.345 12345.0 1e-10 1e-10}}', { out: '    12|1.2e+04|1E-10|1.000000E-10' }],
  ['{{printf "%.2f|%.1f|%.0f|%.0f|%.0f|%.2f" 2.675 0.25 0.5 1.5 2.5 1.005}}', { out: '2.67|0.2|0|2|2|1.00' }],
  ['{{printf "%g|%g|%.4g|%.4g|%.4g|%.4g|%.2g|%.3e" 1e21 1e-5 999.99 999999.0 1.0 0.0001234 100.0 9.9995}}', { out: '1e+21|1e-05|1000|1e+06|1|0.0001234|1e+02|9.999e+00' }],
  ['{{printf "%05s|%-05d|%+.2e|% d|%08.3f|%#o|%#b|%5q|%05q|%-8q|%X|% X" "ab" 42 12345.678 5 -3.14159 8 5 "a" "b" "c" "hi" "hi"}}', { out: '000ab|42   |+1.23e+04| 5|-003.142|010|0b101|  "a"|00"b"|"c"     |6869|68 69' }],
  ['{{printf "%v|%.3v|%5.1v|%e|%g|%G|%.0e|%T|%T|%T|%T|%T" 0.000001 "abcdef" "xyz" 0.0 0.0 1e-7 5.5 1.5 1 true nil (split "a" ",")}}', { out: '1e-06|abc|    x|0.000000e+00|0|1E-07|6e+00|float64|int|bool|<nil>|[]string' }],
  ['{{printf "%d|%5d|%-5d|%05d|%.3d|%x|%o|%c|%U|%#U|%q|%+q|%#x|%08b" -42 -42 -42 -42 7 -1 -8 9731 9731 9731 9731 9731 -255 5}}', { out: '-42|  -42|-42  |-0042|007|-1|-10|☃|U+2603|U+2603 \'☃\'|\'☃\'|\'\\u2603\'|-0xff|00000101' }],
  ['{{printf "%s|%q|%+q|%x|%.1x|%10.2s|%-10s|" "日本" "日本\\x01\\x7f" "é" "日" "abc" "日本語" "é"}}', { out: '日本|"日本\\x01\\x7f"|"\\u00e9"|e697a5|61|        日本|é         |' }],
  ['{{printf "%v %d %s" (split "a,b" ",") (split "1,2" ",") nil}}|{{printf "%5v|%-4v|" (split "a,b" ",") (split "c" ",")}}|{{printf "%*d|%-*d|%.*f" 5 1 4 2 2 3.14159}}', { out: '[a b] [%!d(string=1) %!d(string=2)] %!s(<nil>)|[    a     b]|[c   ]||    1|2   |3.14' }],
  ['{{printf "%!|%z|%|%[1]d|%" 1}}', { out: '%!!(int=1)|%!z(MISSING)|%!|(MISSING)1|%!(NOVERB)' }],
  ['{{printf "%[2]s %[1]s %s" "a" "b"}}|{{printf "%[3]s" "a"}}|{{printf "%[0]s" "a"}}|{{printf "%s %s" "a" "b" "c" 1}}', { out: 'b a b|%!s(BADINDEX)|%!s(BADINDEX)|a b%!(EXTRA string=c, int=1)' }],
  ['{{printf "%.*d|%*s|%-*s|" "x" 1 "y" "z" -4 "w"}}', { out: '%!(BADPREC)1|%!(BADWIDTH)z|w   |' }],
  ['{{printf "%v|%s|%d" true true true}}|{{printf "%6.3v|%-6t|" "abcdef" true}}|{{printf "%3c|%-3c|" 65 66}}', { out: 'true|%!s(bool=true)|%!d(bool=true)|   abc|true  ||  A|B  |' }],
  ['{{printf "%d" 2.5}}|{{printf "%c|%q" 0x1F600 0x1F600}}|{{printf "%q" "\\x1b\\a\\b\\f\\v\\u00a0\\u200b"}}', { out: '%!d(float64=2.5)|😀|\'😀\'|"\\x1b\\a\\b\\f\\v\\u00a0\\u200b"' }],
  ['{{print 1 2}} {{print "a" "b"}} {{print 1 "a" 2}} {{print 1.5 2}} {{print true 1}} {{print (split "a" ",") (split "b" ",")}}', { out: '1 2 ab 1a2 1.5 2 true 1 [a] [b]' }],
  ['{{print "x" nil "y"}}|{{print nil nil}}|{{print 1 nil}}|{{print}}', { out: 'x<nil>y|<nil> <nil>|1 <nil>|' }],
  ['{{println "a" 1 2 "b"}}|{{println}}|', { out: 'a 1 2 b\n|\n|' }],
  ['{{if .Current}}yes{{end}}', { out: 'yes' }],
  ['{{if .Error}}err{{else}}no error{{end}}', { out: 'no error' }],
  ['{{if eq .Name "x"}}x{{else if eq .Name "default"}}d{{else}}other{{end}}', { out: 'd' }],
  ['{{if and .Current (not .Error)}}ok{{end}}', { out: 'ok' }],
  ['{{if or .Error ""}}t{{else}}f{{end}}', { out: 'f' }],
  ['{{with .Name}}{{.}}{{end}}|{{with .Error}}{{.}}{{else}}none{{end}}', { out: 'default|none' }],
  ['{{with .Error}}a{{else with .Name}}[{{.}}]{{else}}none{{end}}', { out: '[default]' }],
  ['{{with $x := .Name}}{{$x}}-{{.}}{{end}}', { out: 'default-default' }],
  ['{{range split "a,b,c" ","}}[{{.}}]{{end}}', { out: '[a][b][c]' }],
  ['{{range $i, $v := split "x,y" ","}}{{$i}}={{$v}};{{end}}', { out: '0=x;1=y;' }],
  ['{{range $v := split "x,y" ","}}{{$v}}{{end}}', { out: 'xy' }],
  ['{{range split "" ""}}x{{else}}empty{{end}}', { out: 'empty' }],
  ['{{range split "a,b,c" ","}}{{if eq . "b"}}{{continue}}{{end}}{{.}}{{end}}', { out: 'ac' }],
  ['{{range split "a,b,c" ","}}{{if eq . "b"}}{{break}}{{end}}{{.}}{{end}}', { out: 'a' }],
  ['{{range 3}}{{.}}{{end}}|{{range $v := 3}}{{$v}}{{end}}|{{range 0}}a{{else}}empty{{end}}|{{range -1}}a{{else}}neg{{end}}', { out: '012|012|empty|neg' }],
  ['{{range $i, $v := 3}}{{$i}}{{end}}', { err: 'template: :1:18: executing "" at <3>: can\'t use 3 to iterate over more than one variable' }],
  ['{{range .Name}}{{end}}', { err: 'template: :1:8: executing "" at <.Name>: range can\'t iterate over default' }],
  ['{{range .Current}}{{end}}', { err: 'template: :1:8: executing "" at <.Current>: range can\'t iterate over true' }],
  ['{{range $i, $v := split "a" ","}}{{$.Name}}{{end}}', { out: 'default' }],
  ['{{$x := 1}}{{$x = 2}}{{$x}}', { out: '2' }],
  ['{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}', { out: '2' }],
  ['{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}', { out: '21' }],
  ['{{$x := .Current}}{{$x.Foo}}', { err: 'template: :1:22: executing "" at <$x.Foo>: can\'t evaluate field Foo in type bool' }],
  ['{{$x := 1}}{{$x = "s"}}{{$x}}', { out: 's' }],
  ['{{$.Name}} {{$.Current}}', { out: 'default true' }],
  ['{{- .Name -}} x', { out: 'defaultx' }],
  ['{{/* c */}}a{{- /* c */ -}} b', { out: 'ab' }],
  ['{{  .Name  }}  {{- "  x  " -}}  ,  {{- .Name}}', { out: 'default  x  ,default' }],
  ['{{-3}} {{- 3}} {{3 -}} x', { out: '-33 3x' }],
  ['{{ 0x1F }} {{ 1e3 }} {{ -5 }} {{ 1_000 }} {{ 0b101 }} {{ 0o17 }} {{ 017 }} {{ \'a\' }} {{ \'\\n\' }} {{ 2.50 }} {{`raw`}} {{ .5 }}', { err: 'template: :1: unterminated character constant' }],
  ['{{ "a\\x41\\u00e9\\101" }}|{{ true }}|{{ false }}', { out: 'aAéA|true|false' }],
  ['{{eq .Name "default" "t1"}} {{lt 1 2}} {{and 1 0}} {{or 0 "" "x"}} {{not 0}} {{eq 1 2 3 1}} {{ne "a" "b"}} {{le 2 2}} {{gt 3 2}} {{ge 1 2}}', { out: 'true true 0 x true true true true true false' }],
  ['{{eq nil nil}}|{{ne 1 2}}|{{eq .Error ""}}', { out: 'true|true|true' }],
  ['{{and 1 "" .Nope}}|{{or 0 .Name}}|{{and 1 2 | printf "%v"}}|{{0 | and 1}}', { out: '|default|2|0' }],
  ['{{lt "a" "b"}} {{lt "b" "a"}} {{le "b" "a"}}', { out: 'true false false' }],
  ['{{lt true false}}', { err: 'template: :1:2: executing "" at <lt true false>: error calling lt: invalid type for comparison' }],
  ['{{lt 1 "a"}}', { err: 'template: :1:2: executing "" at <lt 1 "a">: error calling lt: incompatible types for comparison' }],
  ['{{eq .Name 1}}', { err: 'template: :1:2: executing "" at <eq .Name 1>: error calling eq: incompatible types for comparison' }],
  ['{{eq "a"}}', { err: 'template: :1:2: executing "" at <eq "a">: error calling eq: missing argument for comparison' }],
  ['{{eq (split "a" ",") (split "a" ",")}}', { err: 'template: :1:2: executing "" at <eq (split "a" ",") (split "a" ",")>: error calling eq: non-comparable type [a]: []string' }],
  ['{{and}}', { err: 'template: :1:2: executing "" at <and>: wrong number of args for and: want at least 1 got 0' }],
  ['{{not 1 2}}', { err: 'template: :1:2: executing "" at <not>: wrong number of args for not: want 1 got 2' }],
  ['{{len "héllo"}} {{len (split "a,b" ",")}} {{len .Name}}', { out: '6 2 7' }],
  ['{{len 3}}', { err: 'template: :1:2: executing "" at <len 3>: error calling len: len of type int' }],
  ['{{index (split "a,b" ",") 1}} {{index "abc" 0}} {{slice "abcdef" 1 3}} {{slice "abcdef" 2}} {{slice (split "a,b,c" ",") 1}} {{slice "abc"}}', { out: 'b 97 bc cdef [b c] abc' }],
  ['{{index .Name 10}}', { err: 'template: :1:2: executing "" at <index .Name 10>: error calling index: index out of range: 10' }],
  ['{{index "abc" -1}}', { err: 'template: :1:2: executing "" at <index "abc" -1>: error calling index: index out of range: -1' }],
  ['{{index (split "a" ",") nil}}', { err: 'template: :1:2: executing "" at <index (split "a" ",") nil>: error calling index: cannot index slice/array with nil' }],
  ['{{index nil 1}}', { err: 'template: :1:2: executing "" at <index nil 1>: error calling index: index of untyped nil' }],
  ['{{index 1 1}}', { err: 'template: :1:2: executing "" at <index 1 1>: error calling index: can\'t index item of type int' }],
  ['{{index (split "a" ",") "x"}}', { err: 'template: :1:2: executing "" at <index (split "a" ",") "x">: error calling index: cannot index slice/array with type string' }],
  ['{{slice "abc" 2 1}}', { err: 'template: :1:2: executing "" at <slice "abc" 2 1>: error calling slice: invalid slice index: 2 > 1' }],
  ['{{slice .Name 1 30}}', { err: 'template: :1:2: executing "" at <slice .Name 1 30>: error calling slice: index out of range: 30' }],
  ['{{"abc" | slice 1}}', { err: 'template: :1:10: executing "" at <slice 1>: error calling slice: can\'t slice item of type int' }],
  ['{{slice (split "a,b,c" ",") 1 2 3}}', { out: '[b]' }],
  ['{{call .Name}}', { err: 'template: :1:2: executing "" at <call .Name>: error calling call: non-function .Name of type string' }],
  ['{{html "<a href=\\"x\\">\'&\\x00"}}|{{js "a\'b\\"<>&=\\\\ \\r\\x01\\u00e9\\u2028\\x7f"}}|{{urlquery "a b&c/é~-_.!*+"}}|{{html 1 "a" 2}}|{{html}}|{{js (split "a" ",")}}', { out: '&lt;a href=&#34;x&#34;&gt;&#39;&amp;\ufffd|a\\\'b\\"\\u003C\\u003E\\u0026\\u003D\\\\ \\u000D\\u0001é\\u2028\u007f|a+b%26c%2F%C3%A9~-_.%21%2A%2B|1a2||[a]' }],
  ['{{json .Name}} {{json 1.5}} {{json (split "a" ",")}} {{json "<&>\\u2028"}} {{json nil}} {{json true}} {{json 3}} {{json "\\b\\f\\x01"}} {{json 1.5e300}} {{json 0.0000001}}', { out: '"default" 1.5 ["a"] "<&>\\u2028" null true 3 "\\b\\f\\u0001" 1.5e+300 1e-7' }],
  ['{{title "hello-world foo_bar x.y a1b 1ab é"}} {{upper "ab"}} {{lower "AB"}}', { out: 'Hello-World Foo_bar X.Y A1b 1ab É AB ab' }],
  ['{{split "abc" ""}} {{split "" ","}} {{len (split "" ",")}} {{split "a,b" ""}} {{split "a,b" ","}}', { out: '[a b c] [] 1 [a , b] [a b]' }],
  ['{{truncate "abc" 3}}|{{truncate "abc" 5}}|{{truncate "abc" 0}}|{{truncate "abcdef" 2}}|{{pad "" 2 2}}|{{pad "x" 1 2}}|', { out: 'abc|abc||ab|| x  |' }],
  ['{{join (split "" ",") ","}}|{{join (split "a,b" ",") ""}}', { out: '|ab' }],
  ['{{pad .Name -1 0}}', { err: 'template: :1:2: executing "" at <pad .Name -1 0>: error calling pad: strings: negative Repeat count' }],
  ['{{truncate .Name -1}}', { err: 'template: :1:2: executing "" at <truncate .Name -1>: error calling truncate: runtime error: slice bounds out of range [:-1]' }],
  ['{{split .Name}}', { err: 'template: :1:2: executing "" at <split>: wrong number of args for split: want 2 got 1' }],
  ['{{join (split "a,b" ",") 1}}', { err: 'template: :1:25: executing "" at <1>: expected string; found 1' }],
  ['{{upper nil}}', { err: 'template: :1:8: executing "" at <nil>: cannot assign nil to string' }],
  ['{{upper .Current}}', { err: 'template: :1:8: executing "" at <.Current>: wrong type for value; expected string; got bool' }],
  ['{{upper 1}}', { err: 'template: :1:8: executing "" at <1>: expected string; found 1' }],
  ['{{1 | upper}}', { err: 'template: :1:6: executing "" at <upper>: wrong type for value; expected string; got int' }],
  ['{{pad .Name "1" 0}}', { err: 'template: :1:12: executing "" at <"1">: expected integer; found "1"' }],
  ['{{pad .Name 1.5 0}}', { err: 'template: :1:12: executing "" at <1.5>: expected integer; found 1.5' }],
  ['{{.Name 1}}', { err: 'template: :1:2: executing "" at <.Name>: wrong number of args for Name: want 0 got 1' }],
  ['{{.Current | not}}|{{.Current 1}}', { err: 'template: :1:21: executing "" at <.Current>: wrong number of args for Current: want 0 got 1' }],
  ['{{(.Name).X}}', { err: 'template: :1:3: executing "" at <.Name>: can\'t evaluate field X in type string' }],
  ['{{(1).Foo}}', { err: 'template: :1:3: executing "" at <1>: can\'t evaluate field Foo in type int' }],
  ['{{("a")}}|{{(printf "%s" "b")}}|{{(.Name)}}', { out: 'a|b|default' }],
  ['{{define "t"}}[{{.}}|{{$}}]{{end}}{{template "t" .Name}}{{template "t"}}', { out: '[default|default][<no value>|<no value>]' }],
  ['{{define "t"}}[{{.}}]{{end}}{{template "u"}}', { err: 'template: :1:39: executing "" at <{{template "u"}}>: template "u" not defined' }],
  ['{{block "b" .Name}}<{{.}}>{{end}}', { out: '<default>' }],
  ['{{.Nope}}', { err: 'template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type *formatter.clientContextContext' }],
  ['{{printf "%v" .Nope}}', { err: 'template: :1:14: executing "" at <.Nope>: can\'t evaluate field Nope in type *formatter.clientContextContext' }],
  ['{{foo .}}', { err: 'template: :1: function "foo" not defined' }],
  ['{{.Name', { err: 'template: :1: unclosed action' }],
  ['{{if}}{{end}}', { err: 'template: :1: missing value for if' }],
  ['{{if .Name}}', { err: 'template: :1: unexpected EOF' }],
  ['{{end}}', { err: 'template: :1: unexpected {{end}}' }],
  ['{{else}}', { err: 'template: :1: unexpected {{else}}' }],
  ['{{if .Name}}a{{else}}b{{else}}c{{end}}', { err: 'template: :1: expected end; found {{else}}' }],
  ['{{if 1}}{{end}}{{end}}', { err: 'template: :1: unexpected {{end}}' }],
  ['{{break}}', { err: 'template: :1: {{break}} outside {{range}}' }],
  ['{{continue}}', { err: 'template: :1: {{continue}} outside {{range}}' }],
  ['{{range .Name}}{{else}}{{break}}{{end}}', { err: 'template: :1: {{break}} outside {{range}}' }],
  ['{{$x}}', { err: 'template: :1: undefined variable "$x"' }],
  ['{{if .Name}}{{$y := 1}}{{end}}{{$y}}', { err: 'template: :1: undefined variable "$y"' }],
  ['{{range $i, $v := split "x,y" ","}}{{end}}{{$i}}', { err: 'template: :1: undefined variable "$i"' }],
  ['{{range $a, $b, $c := .Name}}{{end}}', { err: 'template: :1: too many declarations in range' }],
  ['{{"abc}}', { err: 'template: :1: unterminated quoted string' }],
  ['{{`abc}}', { err: 'template: :1: unterminated raw quoted string' }],
  ['{{\'a}}', { err: 'template: :1: unterminated character constant' }],
  ['{{\'ab\'}}', { err: 'template: :1: malformed character constant: \'ab\'' }],
  ['{{1x}}', { err: 'template: :1: bad number syntax: "1x"' }],
  ['{{08}}', { err: 'template: :1: integer overflow: "08"' }],
  ['{{0x}}', { err: 'template: :1: illegal number syntax: "0x"' }],
  ['{{"\\q"}}', { err: 'template: :1: invalid syntax' }],
  ['{{#}}', { err: 'template: :1: unexpected "#" in command' }],
  ['{{é}}', { err: 'template: :1: function "é" not defined' }],
  ['{{.Name)}}', { err: 'template: :1: unexpected right paren' }],
  ['{{(.Name}}', { err: 'template: :1: unclosed left paren' }],
  ['{{.Name | "x"}}', { err: 'template: :1: non executable command in pipeline stage 2' }],
  ['{{.Name.}}', { err: 'template: :1: unexpected <.> in operand' }],
  ['{{.}}{{..}}', { err: 'template: :1: unexpected <.> in operand' }],
  ['{{$x := }}', { err: 'template: :1: missing value for command' }],
  ['{{printf}}', { err: 'template: :1:2: executing "" at <printf>: wrong number of args for printf: want at least 1 got 0' }],
  ['{{"a" "b"}}', { err: 'template: :1:2: executing "" at <"a">: can\'t give argument to non-function "a"' }],
  ['{{1 2}}', { err: 'template: :1:2: executing "" at <1>: can\'t give argument to non-function 1' }],
  ['{{.Name .Name}}', { err: 'template: :1:2: executing "" at <.Name>: wrong number of args for Name: want 0 got 1' }],
  ['{{|}}', { err: 'template: :1: unexpected "|" in command' }],
  ['{{printf "%s" |}}', { out: '%!s(MISSING)' }],
  ['{{nil}}', { err: 'template: :1:2: executing "" at <nil>: nil is not a command' }],
  ['{{/* unclosed', { err: 'template: :1: unclosed comment' }],
  ['{{/*x*/ .Name}}', { err: 'template: :1: comment ends before closing delimiter' }],
  ['{{define "x"}}a{{else}}b{{end}}', { err: 'template: :1: unexpected {{else}} in define clause' }],
  ['{{template .Name}}', { err: 'template: :1: unexpected ".Name" in template clause' }],
  ['{{ .Name = 1 }}', { err: 'template: :1: unexpected "=" in operand' }],
  ['{{$x : = 1}}', { err: 'template: :1: undefined variable "$x"' }],
  ['{{with}}{{end}}', { err: 'template: :1: missing value for with' }],
  ['{{range}}{{end}}', { err: 'template: :1: missing value for range' }],
  ['{{if .Name}}{{else if}}{{end}}', { err: 'template: :1: missing value for if' }],
];

describe('GoTemplate against docker CLI 28.2.2', () => {
  for (const [text, want] of goldenCases) {
    test(text, () => {
      // The formatter turns literal \t and \n into tab and newline before parsing, as docker does.
      const got = run(formatTemplateText(text), dockerContext, { typeName: () => '*formatter.clientContextContext' });
      assert.deepEqual(got, want);
    });
  }
});

class Point {
  constructor(
    readonly X: string,
    readonly Y: number,
  ) {}
  Sum(): string {
    return `${this.X}${this.Y}`;
  }
}

const data = {
  Str: 'x',
  Int: 42,
  Float: 2.5,
  Big: 12345678901234567890n,
  Nil: null,
  List: ['b', 'a'],
  Mixed: [1, 2.5, null, true],
  Obj: { z: 1, a: 'two', n: null },
  Empty: {},
  Map: new Map<string, unknown>([
    ['k2', 'v2'],
    ['k1', [1, 2]],
  ]),
  Label: (name: string) => `label:${name}`,
  Fail: (): string => {
    throw new Error('boom');
  },
  Point: new Point('p', 1),
};

describe('GoTemplate data model', () => {
  const cases: readonly (readonly [string, string, ExecuteOptions['missingKey'], Expected])[] = [
    ['maps print sorted', '{{.Obj}} {{.Map}}', undefined, { out: 'map[a:two n:<nil> z:1] map[k1:[1 2] k2:v2]' }],
    ['arrays', '{{.List}} {{.Mixed}}', undefined, { out: '[b a] [1 2.5 <nil> true]' }],
    ['nil at top level', '{{.Nil}}|{{.Obj.n}}', undefined, { out: '<no value>|<no value>' }],
    ['bigint', '{{.Big}} {{printf "%T %d" .Big .Big}}', undefined, { out: '12345678901234567890 int64 12345678901234567890' }],
    ['Map key', '{{.Map.k1}}|{{.Map.missing}}', undefined, { out: '[1 2]|<no value>' }],
    ['method with argument', '{{.Label "app"}}|{{"x" | .Label}}', undefined, { out: 'label:app|label:x' }],
    [
      'method arity',
      '{{.Label}}',
      undefined,
      { err: 'template: :1:2: executing "" at <.Label>: wrong number of args for Label: want 1 got 0' },
    ],
    ['method throws', '{{.Fail}}', undefined, { err: 'template: :1:2: executing "" at <.Fail>: error calling Fail: boom' }],
    ['class instance is a struct', '{{.Point.X}} {{.Point.Sum}} {{.Point}}', undefined, { out: 'p p1 {p 1}' }],
    [
      'class instance missing field',
      '{{.Point.Z}}',
      'no-value',
      { err: 'template: :1:8: executing "" at <.Point.Z>: can\'t evaluate field Z in type Point' },
    ],
    [
      'plain object missing field (field-error)',
      '{{.Obj.missing}}',
      undefined,
      { err: 'template: :1:6: executing "" at <.Obj.missing>: can\'t evaluate field missing in type map[string]interface {}' },
    ],
    ['plain object missing field (no-value)', '{{.Obj.missing}}', 'no-value', { out: '<no value>' }],
    [
      'plain object missing field (map-error)',
      '{{.Obj.missing}}',
      'map-error',
      { err: 'template: :1:6: executing "" at <.Obj.missing>: map has no entry for key "missing"' },
    ],
    [
      'Map missing key (map-error)',
      '{{.Map.missing}}',
      'map-error',
      { err: 'template: :1:6: executing "" at <.Map.missing>: map has no entry for key "missing"' },
    ],
    [
      'field of nil (field-error)',
      '{{.Nil.X}}',
      undefined,
      { err: 'template: :1:6: executing "" at <.Nil.X>: nil pointer evaluating interface {}.X' },
    ],
    ['field of nil (no-value)', '{{.Nil.X}}', 'no-value', { out: '<no value>' }],
    [
      'field of nil (map-error)',
      '{{.Nil.X}}',
      'map-error',
      { err: 'template: :1:6: executing "" at <.Nil.X>: nil data; no entry for key "X"' },
    ],
    [
      'field with arguments',
      '{{.Str 1}}',
      undefined,
      { err: 'template: :1:2: executing "" at <.Str>: Str has arguments but cannot be invoked as function' },
    ],
    [
      'map value with arguments',
      '{{.Obj.a 1}}',
      'no-value',
      { err: 'template: :1:6: executing "" at <.Obj.a>: a is not a method but has arguments' },
    ],
    ['range over a map: sorted keys', '{{range $k, $v := .Obj}}{{$k}}={{$v}};{{end}}', undefined, { out: 'a=two;n=<no value>;z=1;' }],
    ['range over a Map: values', '{{range .Map}}{{.}};{{end}}', undefined, { out: '[1 2];v2;' }],
    ['range over empty map and nil', '{{range .Empty}}x{{else}}empty{{end}}|{{range .Nil}}x{{else}}nil{{end}}', undefined, { out: 'empty|nil' }],
    ['truth of maps and slices', '{{if .Empty}}t{{else}}f{{end}}{{if .List}}t{{end}}{{if .Obj}}t{{end}}', undefined, { out: 'ftt' }],
    ['len and index on maps', '{{len .Obj}} {{len .Map}} {{index .Obj "a"}} {{index .Map "k2"}} {{index .Obj "x"}}', undefined, { out: '3 2 two v2 <no value>' }],
    [
      'index a map with a number',
      '{{index .Obj 1}}',
      undefined,
      { err: 'template: :1:2: executing "" at <index .Obj 1>: error calling index: value has type int; should be string' },
    ],
    ['json keeps object order, sorts Maps', '{{json .Obj}} {{json .Map}} {{json .Point}}', undefined, { out: '{"z":1,"a":"two","n":null} {"k1":[1,2],"k2":"v2"} {"X":"p","Y":1}' }],
    ['json of numbers', '{{json .Float | printf "%s"}}{{json (index .Mixed 0)}}{{json .Big}}', undefined, { out: '2.5112345678901234567890' }],
    ['%T names', '{{printf "%T|%T|%T|%T|%T|%T" .Obj .Map .List .Float .Point .Mixed}}', undefined, { out: 'map[string]interface {}|map[string]interface {}|[]string|float64|Point|[]interface {}' }],
    ['eq on a class instance compares identity', '{{eq .Point .Point}}', undefined, { out: 'true' }],
    [
      'eq on maps',
      '{{eq .Obj .Obj}}',
      undefined,
      { err: 'template: :1:2: executing "" at <eq .Obj .Obj>: error calling eq: non-comparable type map[a:two n:<nil> z:1]: map[string]interface {}' },
    ],
    ['ints and floats compare by value', '{{eq .Int 42.0}} {{lt .Float 3}}', undefined, { out: 'true true' }],
    ['dot and $', '{{with .Str}}{{.}}{{$.Str}}{{end}}', undefined, { out: 'xx' }],
    ['newlines inside an action', '{{ .Str\n | upper }}', undefined, { out: 'X' }],
    ['string escapes', '{{"\\U0001F600\\u00e9\\x41\\xc3\\xa9\\101"}}|{{`a\\n`}}', undefined, { out: '😀éAéA|a\\n' }],
    ['bad escape', '{{"\\u12"}}', undefined, { err: 'template: :1: invalid syntax' }],
    // Deliberate differences from docker 28.2.2: join takes any slice or map (docker's newer
    // join), and an integral float literal prints as an int (JS numbers have no float kind).
    ['join any slice', '{{join .Mixed ","}}|{{join .Obj ","}}|{{join .Nil ","}}', undefined, { out: '1,2.5,<nil>,true|1,<nil>,two|' }],
    [
      'join a string',
      '{{join .Str ","}}',
      undefined,
      { err: 'template: :1:2: executing "" at <join .Str ",">: error calling join: expected slice, got string' },
    ],
    ['integral float literal', '{{printf "%v" 1e6}} {{1.0}}', undefined, { out: '1000000 1' }],
  ];
  for (const [name, text, missingKey, want] of cases) {
    test(name, () => {
      assert.deepEqual(run(text, data, missingKey ? { missingKey } : {}), want);
    });
  }
});

describe('GoTemplate errors', () => {
  const cases: readonly (readonly [string, string, string])[] = [
    ['line and byte column', 'line1\n{{.Str}}\n  {{.Nope}}', 'template: :3:4: executing "" at <.Nope>: '],
    ['column counts bytes', '日本{{.Nope}}', 'template: :1:8: executing "" at <.Nope>: '],
    ['parse error line', 'a\n{{foo}}', 'template: :2: function "foo" not defined'],
    ['fresh scope in define', '{{$x := 1}}{{define "t"}}{{$x}}{{end}}', 'template: :1: undefined variable "$x"'],
    ['recursion', '{{define "r"}}{{template "r" .}}{{end}}{{template "r" .}}', 'executing "r" at <{{template "r" .}}>: exceeded maximum template depth (1000)'],
  ];
  for (const [name, text, want] of cases) {
    test(name, () => {
      const got = run(text, data);
      assert.ok('err' in got, `expected an error, got ${JSON.stringify(got)}`);
      assert.ok(got.err.includes(want), got.err);
    });
  }

  test('phase tells parse errors from execution errors', () => {
    assert.throws(() => GoTemplate.parse('{{foo}}'), (err: unknown) => err instanceof TemplateError && err.phase === 'parse');
    assert.throws(
      () => GoTemplate.parse('{{.Nope}}').execute({}),
      (err: unknown) => err instanceof TemplateError && err.phase === 'exec',
    );
  });

  test('the template name appears in errors', () => {
    assert.throws(() => GoTemplate.parse('{{.Nope}}', { name: 'inspect' }).execute({}), {
      message: 'template: inspect:1:2: executing "inspect" at <.Nope>: can\'t evaluate field Nope in type map[string]interface {}',
    });
  });

  test('json refuses NaN as Go does', () => {
    assert.deepEqual(run('{{json .}}', Number.NaN), {
      err: 'template: :1:2: executing "" at <json .>: error calling json: json: unsupported value: NaN',
    });
  });

  test('typeName names the type in field errors', () => {
    const ctx = { ID: () => 'x' };
    const got = run('{{.Nope}}', ctx, { typeName: (v) => (v === ctx ? '*formatter.imageContext' : undefined) });
    assert.deepEqual(got, { err: 'template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type *formatter.imageContext' });
  });
});

describe('GoTemplate execution', () => {
  test('executeTo keeps what was written before an error', () => {
    const chunks: string[] = [];
    assert.throws(() => GoTemplate.parse('a{{.Str}}b{{.Nope}}c').executeTo((c) => chunks.push(c), data), TemplateError);
    assert.equal(chunks.join(''), 'axb');
  });

  test('parse-time functions', () => {
    const funcs = { double: templateFunc(['int'], (n: number) => n * 2) };
    assert.equal(GoTemplate.parse('{{double .Int}}', { funcs }).execute(data), '84');
    assert.throws(() => GoTemplate.parse('{{double .Int}}'), { message: 'template: :1: function "double" not defined' });
    assert.throws(() => GoTemplate.parse('{{double}}', { funcs }).execute(data), {
      message: 'template: :1:2: executing "" at <double>: wrong number of args for double: want 1 got 0',
    });
    assert.throws(() => GoTemplate.parse('{{double .Str}}', { funcs }).execute(data), {
      message: 'template: :1:9: executing "" at <.Str>: wrong type for value; expected int; got string',
    });
  });

  test('variadic functions', () => {
    const funcs = { cat: templateFunc(['string'], (sep: string, ...rest: string[]) => rest.join(sep), 'string') };
    assert.equal(GoTemplate.parse('{{cat "-" "a" "b"}}|{{cat "-"}}|{{"z" | cat "+" "y"}}', { funcs }).execute(data), 'a-b||y+z');
  });

  test('execute-time functions replace existing ones only', () => {
    const t = GoTemplate.parse('{{upper .Str}}');
    const funcs = { upper: templateFunc(['string'], (s: string) => `<${s}>`), other: templateFunc([], () => '') };
    assert.equal(t.execute(data, { funcs }), '<x>');
    assert.equal(t.execute(data), 'X');
  });

  test('a template runs many times with independent variables', () => {
    const t = GoTemplate.parse('{{$n := .}}{{range .}}{{$n = .}}{{end}}{{$n}}');
    assert.equal(t.execute([1, 2, 3]), '3');
    assert.equal(t.execute(['a']), 'a');
  });
});

describe('goTruth', () => {
  const cases: readonly (readonly [unknown, boolean])[] = [
    [null, false],
    [undefined, false],
    ['', false],
    ['a', true],
    [0, false],
    [-1, true],
    [Number.NaN, true],
    [0n, false],
    [2n, true],
    [false, false],
    [true, true],
    [[], false],
    [[0], true],
    [{}, false],
    [{ a: 0 }, true],
    [new Map(), false],
    [new Map([[1, 1]]), true],
    [new Point('', 0), true],
    [() => 0, true],
  ];
  for (const [value, want] of cases) {
    test(`${String(value)} (${typeof value})`, () => assert.equal(goTruth(value), want));
  }
});
