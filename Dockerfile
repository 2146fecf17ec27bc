# The platform's image: web (gunicorn), Celery worker and beat all run from it (docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

# Run as an unprivileged user; it owns only what it must write (collected static files, uploads).
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin tianfu \
    && mkdir -p /app/staticfiles /app/media \
    && chown tianfu:tianfu /app/staticfiles /app/media
COPY --chown=tianfu:tianfu . .
USER tianfu

# Static files are collected into the image with a build-time dummy key; no database is touched.
# The real DJANGO_SECRET_KEY comes from the environment at run time and never enters the image.
RUN DJANGO_DEBUG=false \
    DJANGO_SECRET_KEY=build-time-dummy-key-not-used-at-run-time \
    DATABASE_URL=postgres://build@localhost:5432/build \
    python manage.py collectstatic --noinput

EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
