/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small vsnprintf. It formats integers, characters, strings and pointers,
 * never floating point, and never writes past the buffer: output beyond
 * 'size' is counted but dropped, as C's vsnprintf does, so callers can
 * detect truncation.
 */
#include <stdint.h>

#include <hv/log.h>
#include "lib/string.h"

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size) {
		o->buf[o->len] = c;
	}
	o->len++;
}

static void put_repeat(struct out *o, char c, int n)
{
	while (n-- > 0) {
		put(o, c);
	}
}

struct spec {
	bool left;  /* '-' */
	bool zero;  /* '0' */
	bool plus;  /* '+' */
	bool space; /* ' ' */
	bool alt;   /* '#' */
	int width;
	int precision; /* -1: none */
};

static void put_string(struct out *o, const struct spec *sp, const char *s)
{
	size_t max = sp->precision >= 0 ? (size_t)sp->precision : SIZE_MAX;
	int len;

	if (s == NULL) {
		s = "(null)";
	}
	len = (int)hv_strnlen(s, max);
	if (!sp->left) {
		put_repeat(o, ' ', sp->width - len);
	}
	for (int i = 0; i < len; i++) {
		put(o, s[i]);
	}
	if (sp->left) {
		put_repeat(o, ' ', sp->width - len);
	}
}

static void put_number(struct out *o, const struct spec *sp, unsigned long long v, bool negative,
                       unsigned int base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;
	char sign = 0;
	const char *prefix = "";
	int prefix_len = 0;
	int zeros = 0;
	int total;

	/* C: precision 0 with value 0 prints no digits. */
	if (!(v == 0 && sp->precision == 0)) {
		do {
			tmp[n++] = digits[v % base];
			v /= base;
		} while (v != 0);
	}
	if (negative) {
		sign = '-';
	} else if (sp->plus) {
		sign = '+';
	} else if (sp->space) {
		sign = ' ';
	}
	if (sp->precision > n) {
		zeros = sp->precision - n;
	}
	if (sp->alt && base == 16 && n > 0 && !(n == 1 && tmp[0] == '0')) {
		prefix = upper ? "0X" : "0x";
		prefix_len = 2;
	} else if (sp->alt && base == 8 && zeros == 0 && (n == 0 || tmp[n - 1] != '0')) {
		/* '#' makes the first octal digit a zero: none is added if it already is. */
		prefix = "0";
		prefix_len = 1;
	}
	total = n + zeros + prefix_len + (sign ? 1 : 0);
	if (sp->zero && !sp->left && sp->precision < 0 && sp->width > total) {
		zeros += sp->width - total;
		total = sp->width;
	}
	if (!sp->left) {
		put_repeat(o, ' ', sp->width - total);
	}
	if (sign) {
		put(o, sign);
	}
	for (int i = 0; i < prefix_len; i++) {
		put(o, prefix[i]);
	}
	put_repeat(o, '0', zeros);
	while (n > 0) {
		put(o, tmp[--n]);
	}
	if (sp->left) {
		put_repeat(o, ' ', sp->width - total);
	}
}

enum length {
	LEN_INT,
	LEN_CHAR,
	LEN_SHORT,
	LEN_LONG,
	LEN_LLONG,
	LEN_SIZE,
	LEN_MAX,
	LEN_PTRDIFF
};

static unsigned long long get_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_CHAR:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_SHORT:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_LONG:
		return va_arg(*ap, unsigned long);
	case LEN_LLONG:
		return va_arg(*ap, unsigned long long);
	case LEN_SIZE:
		return va_arg(*ap, size_t);
	case LEN_MAX:
		return va_arg(*ap, uintmax_t);
	case LEN_PTRDIFF:
		return (unsigned long long)va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static long long get_signed(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_CHAR:
		return (signed char)va_arg(*ap, int);
	case LEN_SHORT:
		return (short)va_arg(*ap, int);
	case LEN_LONG:
		return va_arg(*ap, long);
	case LEN_LLONG:
		return va_arg(*ap, long long);
	case LEN_SIZE:
		return (long long)va_arg(*ap, size_t);
	case LEN_MAX:
		return va_arg(*ap, intmax_t);
	case LEN_PTRDIFF:
		return va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, int);
	}
}

/*
 * Widths and precisions beyond any sensible line are clamped, so that a
 * hostile format or argument cannot overflow an int or pad for ever.
 */
#define FIELD_MAX 4096

static int clamp_field(long v)
{
	return v > FIELD_MAX ? FIELD_MAX : (int)v;
}

/* Reads a decimal field at 'f' into *out (clamped); returns what follows. */
static const char *parse_field(const char *f, int *out)
{
	long v = 0;

	while (*f >= '0' && *f <= '9') {
		v = clamp_field(v * 10 + (*f++ - '0'));
	}
	*out = (int)v;
	return f;
}

static const char *parse_spec(const char *f, struct spec *sp, enum length *len, va_list *ap)
{
	*sp = (struct spec){.precision = -1};
	for (;; f++) {
		if (*f == '-') {
			sp->left = true;
		} else if (*f == '0') {
			sp->zero = true;
		} else if (*f == '+') {
			sp->plus = true;
		} else if (*f == ' ') {
			sp->space = true;
		} else if (*f == '#') {
			sp->alt = true;
		} else {
			break;
		}
	}
	if (*f == '*') {
		long w = va_arg(*ap, int);

		if (w < 0) {
			sp->left = true;
			w = -w;
		}
		sp->width = clamp_field(w);
		f++;
	} else {
		f = parse_field(f, &sp->width);
	}
	if (*f == '.') {
		f++;
		sp->precision = 0;
		if (*f == '*') {
			int p = va_arg(*ap, int);

			sp->precision = p < 0 ? -1 : clamp_field(p);
			f++;
		} else {
			f = parse_field(f, &sp->precision);
		}
	}
	*len = LEN_INT;
	switch (*f) {
	case 'h':
		f++;
		*len = LEN_SHORT;
		if (*f == 'h') {
			f++;
			*len = LEN_CHAR;
		}
		break;
	case 'l':
		f++;
		*len = LEN_LONG;
		if (*f == 'l') {
			f++;
			*len = LEN_LLONG;
		}
		break;
	case 'z':
		f++;
		*len = LEN_SIZE;
		break;
	case 'j':
		f++;
		*len = LEN_MAX;
		break;
	case 't':
		f++;
		*len = LEN_PTRDIFF;
		break;
	default:
		break;
	}
	return f;
}

int hv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {.buf = buf, .size = size, .len = 0};
	va_list args;

	va_copy(args, ap);
	for (const char *f = fmt; *f != '\0'; f++) {
		const char *start = f;
		struct spec sp;
		enum length len;

		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		f = parse_spec(f + 1, &sp, &len, &args);
		switch (*f) {
		case 'd':
		case 'i': {
			long long v = get_signed(&args, len);
			unsigned long long mag =
			        v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

			put_number(&o, &sp, mag, v < 0, 10, false);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			unsigned int base = *f == 'u' ? 10 : 16;

			if (*f == 'o') {
				base = 8;
			}
			/* As in C, '+' and ' ' only apply to signed conversions. */
			sp.plus = false;
			sp.space = false;
			put_number(&o, &sp, get_unsigned(&args, len), false, base, *f == 'X');
			break;
		}
		case 'c':
			/* One byte, padded; a NUL character is output like any other. */
			put_repeat(&o, ' ', sp.left ? 0 : sp.width - 1);
			put(&o, (char)va_arg(args, int));
			put_repeat(&o, ' ', sp.left ? sp.width - 1 : 0);
			break;
		case 's':
			put_string(&o, &sp, va_arg(args, const char *));
			break;
		case 'p':
			sp.alt = true;
			put_number(&o, &sp, (uintptr_t)va_arg(args, void *), false, 16, false);
			break;
		case '%':
			put(&o, '%');
			break;
		case '\0':
			/* A lone '%' at the end: print it, and stop. */
			put(&o, '%');
			f--;
			break;
		default:
			/* Unknown conversion: print it as written (flags, width and all). */
			while (start <= f) {
				put(&o, *start++);
			}
			break;
		}
	}
	va_end(args);
	if (size > 0) {
		o.buf[o.len < size ? o.len : size - 1] = '\0';
	}
	return o.len > INT32_MAX ? INT32_MAX : (int)o.len;
}

int hv_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = hv_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
