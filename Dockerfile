FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md scrapy.cfg ./
COPY crawler crawler
COPY jobs jobs
COPY storage storage
COPY serve serve
RUN pip install --no-cache-dir .
ENV SCRAPY_SETTINGS_MODULE=crawler.settings
USER nobody
CMD ["dozor", "collect"]
